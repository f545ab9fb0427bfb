"""What the command rules share: reading the arguments of the programs they judge.

Each reader knows its program's global options (and which of them take a value), so that
`aws --profile prod rds delete-db-instance` and `terraform -chdir=infra destroy` are read as the
call they are. A reader returns None for a program it does not read; the rules never guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from iaclint.core.facts import CommandFacts, Invocation
from iaclint.core.model import Finding, Location, Pos, Severity, StackDiff
from iaclint.engine.check import Check

COMMAND_PATH = "<command>"
TERRAFORM = {"terraform", "tofu", "terragrunt"}


def invocations(diff: StackDiff) -> list[Invocation]:
    """The programs of a command line that do something: a dry run or a help page changes nothing."""
    if not isinstance(diff.facts, CommandFacts):
        return []
    return [inv for inv in diff.facts.invocations if not rehearsal(inv)]


def rehearsal(inv: Invocation) -> bool:
    """`--dryrun`, `--dry-run` (not kubectl's `--dry-run=none`), `pulumi destroy --preview-only`, `--help`."""
    for a in inv.args:
        name, _, value = a.partition("=")
        if name in ("--dryrun", "--dry-run") and value.lower() != "none":
            return True
        if a in ("--help", "--preview-only"):
            return True
        if inv.program in TERRAFORM and a in ("-help", "-h"):
            return True
    return inv.program in ("aws", "gcloud", "az") and inv.args[-1:] in (["help"], ["-h"])


def command_finding(check: Check, inv: Invocation, target: str, message: str, help: str, *,
                    severity: Severity | None = None, extra: dict | None = None) -> Finding:
    """A finding about a command: at `<command>` line 1, the target as its resource."""
    where = Location(target or inv.program, COMMAND_PATH, Pos(1))
    message = " ".join(message.split())  # a target the command does not name leaves no double space
    return check.finding(where, message, help, severity=severity,
                         extra={"command": inv.shown, "program": inv.program, **(extra or {})})


def quoted(inv: Invocation) -> str:
    return f"`{inv.shown}`"


# -- terraform / tofu / terragrunt

_TF_VALUED = {"-var", "-var-file", "-target", "-replace", "-parallelism", "-state", "-state-out", "-backup",
              "-lock-timeout", "-exclude", "-out", "-chdir"}
_TF_COMMANDS = {"apply", "destroy", "plan", "state", "taint", "untaint", "workspace", "import", "init", "show",
                "validate", "fmt", "output", "refresh", "providers", "graph", "console", "login", "logout",
                "force-unlock", "get", "test", "version", "modules", "metadata"}
_TG_VALUED = {"--terragrunt-working-dir", "--working-dir", "--terragrunt-config", "--config",
              "--terragrunt-include-dir", "--queue-include-dir", "--terragrunt-exclude-dir", "--queue-exclude-dir",
              "--terragrunt-source", "--source", "--terragrunt-iam-role", "--iam-assume-role", "--log-level",
              "--terragrunt-log-level", "--terragrunt-parallelism", "--parallelism"}


@dataclass
class TerraformCall:
    words: list[str]  # ["destroy"], ["state", "rm"], ["workspace", "delete"]
    flags: dict[str, list[str]] = field(default_factory=dict)  # "-replace" -> [addresses]; "-auto-approve" -> ["true"]
    positional: list[str] = field(default_factory=list)
    chdir: str | None = None
    all_modules: bool = False  # terragrunt run-all / --all

    def on(self, flag: str) -> bool:
        values = self.flags.get(flag)
        return bool(values) and values[-1].lower() not in ("false", "0")

    @property
    def command(self) -> str:
        return " ".join(self.words)


def terraform_call(inv: Invocation) -> TerraformCall | None:
    if inv.program not in TERRAFORM:
        return None
    args = list(inv.args)
    chdir, all_modules = None, False
    i = 0
    while i < len(args):  # global options, and terragrunt's own words and options
        a = args[i]
        name, eq, value = a.partition("=")
        if name in ("-chdir", "--chdir"):
            chdir = value if eq else (args[i + 1] if i + 1 < len(args) else None)
            i += 1 if eq else 2
        elif inv.program == "terragrunt" and a in ("run-all", "run", "--all", "--terragrunt-run-all", "--"):
            all_modules = all_modules or a in ("run-all", "--all", "--terragrunt-run-all")
            i += 1
        elif inv.program == "terragrunt" and name in _TG_VALUED:
            if name in ("--terragrunt-working-dir", "--working-dir"):
                chdir = value if eq else (args[i + 1] if i + 1 < len(args) else None)
            i += 1 if eq else 2
        elif a.startswith("-"):
            i += 1
        else:
            break
    if i >= len(args):
        return None
    words = [args[i]]
    rest = args[i + 1:]
    if words[0] in ("state", "workspace") and rest and not rest[0].startswith("-"):
        words.append(rest.pop(0))
    call = TerraformCall(words, chdir=chdir, all_modules=all_modules)
    j = 0
    while j < len(rest):
        a = rest[j]
        if inv.program == "terragrunt" and a in ("--all", "--terragrunt-run-all"):
            call.all_modules = True
            j += 1
            continue
        if inv.program == "terragrunt" and a.partition("=")[0] in _TG_VALUED:
            name, eq, value = a.partition("=")
            if not eq:
                value, j = (rest[j + 1] if j + 1 < len(rest) else ""), j + 1
            if name in ("--terragrunt-working-dir", "--working-dir"):
                call.chdir = value
            j += 1
            continue
        if a.startswith("-") and len(a) > 1:
            name, eq, value = (a[1:] if a.startswith("--") else a).partition("=")
            if name in _TF_VALUED and not eq:
                value, j = (rest[j + 1] if j + 1 < len(rest) else ""), j + 1
            elif not eq:
                value = "true"
            call.flags.setdefault(name, []).append(value)
        else:
            call.positional.append(a)
        j += 1
    return call


def where(call: TerraformCall, inv: Invocation) -> str:
    directory = call.chdir or inv.cwd
    if call.all_modules:
        return f" in every module under {directory}" if directory else " in every module below this directory"
    return f" in {directory}" if directory else ""


# -- aws

_AWS_VALUED = {"--profile", "--region", "--output", "--endpoint-url", "--query", "--color", "--ca-bundle",
               "--cli-read-timeout", "--cli-connect-timeout", "--cli-binary-format"}


# options that take no value: the word after them is an argument (`aws s3 rb --force s3://b`)
_AWS_SWITCHES = {"--force", "--recursive", "--dryrun", "--quiet", "--only-show-errors", "--no-progress",
                 "--skip-final-snapshot", "--skip-final-cluster-snapshot", "--delete-automated-backups",
                 "--deletion-protection", "--apply-immediately", "--force-delete-without-recovery",
                 "--enable-termination-protection", "--disable-api-termination", "--deletion-protection-enabled",
                 "--debug", "--follow-symlinks", "--exact-timestamps", "--delete", "--dry-run"}


@dataclass
class AwsCall:
    service: str
    operation: str
    options: dict[str, str | None]
    positional: list[str]

    def has(self, option: str) -> bool:
        return option in self.options

    def value(self, option: str) -> str:
        v = self.options.get(option)
        return v or ""


def aws_call(inv: Invocation) -> AwsCall | None:
    if inv.program != "aws":
        return None
    args, i, words = inv.args, 0, []
    while i < len(args) and len(words) < 2:
        a = args[i]
        if a.startswith("--"):
            i += 1 if ("=" in a or a not in _AWS_VALUED) else 2
            continue
        words.append(a)
        i += 1
    if len(words) < 2:
        return None
    options: dict[str, str | None] = {}
    positional: list[str] = []
    rest = args[i:]
    j = 0
    while j < len(rest):
        a = rest[j]
        if a.startswith("--"):
            name, eq, value = a.partition("=")
            if eq:
                options[name] = value
            elif name in _AWS_SWITCHES or name.startswith("--no-"):
                options[name] = None
            elif j + 1 < len(rest) and not rest[j + 1].startswith("--"):
                options[name] = rest[j + 1]
                j += 1
            else:
                options[name] = None
        else:
            positional.append(a)
        j += 1
    return AwsCall(words[0], words[1], options, positional)


# -- gcloud, az, kubectl: the command group as words, then options

def words_and_options(args: list[str], valued: set[str]) -> tuple[list[str], dict[str, str | None]]:
    """Positional words in order, and every `--option[=value]`; `valued` options take the next word."""
    words: list[str] = []
    options: dict[str, str | None] = {}
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) > 1:
            name, eq, value = a.partition("=")
            if eq:
                options[name] = value
            elif name in valued and i + 1 < len(args):
                options[name] = args[i + 1]
                i += 1
            else:
                options[name] = None
        else:
            words.append(a)
        i += 1
    return words, options


GCLOUD_VALUED = {"--project", "--format", "--account", "--configuration", "--impersonate-service-account",
                 "--verbosity", "--region", "--zone", "--location", "--instance", "--billing-project"}
AZ_VALUED = {"--name", "-n", "--resource-group", "-g", "--subscription", "--output", "-o", "--query",
             "--server", "-s", "--account-name", "--lock-name"}
KUBECTL_VALUED = {"-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server",
                  "-l", "--selector", "-o", "--output", "--field-selector", "--grace-period", "--timeout",
                  "--cascade", "-f", "--filename"}


def gcloud_words(inv: Invocation) -> tuple[list[str], dict[str, str | None]] | None:
    if inv.program != "gcloud":
        return None
    words, options = words_and_options(inv.args, GCLOUD_VALUED)
    while words[:1] and words[0] in ("alpha", "beta"):
        words.pop(0)
    return words, options


def first(words: list[str], default: str = "") -> str:
    return words[0] if words else default


def run_invocations(check: Check, diff: StackDiff, judge) -> Iterator[Finding]:
    for inv in invocations(diff):
        yield from judge(inv)
