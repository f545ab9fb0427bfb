"""From shell segments to the programs they run: `sudo`, `env X=1`, `time`, `nohup`,
`bash -c "..."`, `xargs`, `ssh host ...`, `kubectl exec ... --` and their kin are seen through,
so `env X=1 sudo -u ops terraform destroy` is judged as `terraform destroy`.

Nothing is run and nothing is read from disk: a script file (`bash deploy.sh`, `make destroy`)
is not opened, so what it does is not judged.
"""

from __future__ import annotations

import posixpath
import re
import shlex

from iaclint.core.facts import Invocation
from iaclint.guard.redact import shown
from iaclint.guard.shell import Segment, split

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# words that open or close a compound command: the command proper follows them
_RESERVED = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "esac"}
_NOT_A_COMMAND = {"for", "case", "select", "function", "[[", "]]"}
SHELLS = {"bash", "sh", "zsh", "dash", "ksh", "mksh", "ash", "fish"}

# wrapper -> (its options that take a value, how many operands come before the command)
_WRAPPERS: dict[str, tuple[set[str], int]] = {
    "sudo": ({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "--user", "--group", "--host",
              "--prompt", "--chdir", "--role", "--type", "--other-user", "--close-from", "--command-timeout"}, 0),
    "doas": ({"-u", "-C"}, 0),
    "env": ({"-u", "--unset", "-C", "--chdir"}, 0),
    "time": ({"-f", "--format", "-o", "--output"}, 0),
    "nohup": (set(), 0),
    "nice": ({"-n", "--adjustment"}, 0),
    "ionice": ({"-c", "-n", "--class", "--classdata"}, 0),
    "timeout": ({"-s", "--signal", "-k", "--kill-after"}, 1),
    "exec": ({"-a"}, 0),
    "builtin": (set(), 0),
    "stdbuf": ({"-i", "-o", "-e", "--input", "--output", "--error"}, 0),
    "unbuffer": (set(), 0),
    "chronic": (set(), 0),
    "xargs": ({"-I", "-n", "-P", "-L", "-l", "-s", "-d", "-E", "-e", "-a", "--max-args", "--max-procs",
               "--delimiter", "--arg-file", "--max-lines", "--replace", "--eof", "--max-chars"}, 0),
    "flock": ({"-w", "--timeout", "-E", "--conflict-exit-code"}, 1),
    "npx": ({"-p", "--package"}, 0),
    "bunx": (set(), 0),
    "pnpx": (set(), 0),
    "uvx": ({"--from", "--with", "--python", "-p"}, 0),
    "direnv": (set(), 2),  # direnv exec DIR CMD
    "aws-vault": ({"--duration", "-d", "--region", "--mfa-token", "-t", "--backend"}, 2),  # aws-vault exec PROFILE
    "op": ({"--env-file"}, 1),  # op run -- CMD
    "doppler": ({"--project", "-p", "--config", "-c"}, 1),  # doppler run -- CMD
    "command": (set(), 0),
}
_SSH_VALUES = {"-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p", "-Q", "-R",
               "-S", "-W", "-w", "-B"}
_EXEC_VALUES = {"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--detach-keys"}
_FIND_EXEC = {"-exec", "-execdir", "-ok", "-okdir"}
ALIASES = {"aws-cdk": "cdk", "opentofu": "tofu", "mariadb": "mysql"}


def invocations(line: str, depth: int = 0, cwd: str | None = None) -> list[Invocation]:
    """Every program `line` runs, in order. Raises ShellSyntaxError on a line no shell would read."""
    out: list[Invocation] = []
    for seg in split(line, depth):
        for inv in _resolve(seg, seg.words, depth, cwd):
            if inv.program == "cd":
                cwd = _moved(cwd, inv.args)
                continue
            out.append(inv)
    return out


def from_argv(argv: list[str]) -> list[Invocation]:
    """`check-command -- ARGV...`: one program, as an exec would run it."""
    from shlex import join

    return list(_resolve(Segment(list(argv), join(argv)), list(argv), 0, None))


def _moved(cwd: str | None, args: list[str]) -> str | None:
    target = next((a for a in args if not a.startswith("-")), None)
    if target is None or target.startswith(("~", "$")):
        return None
    return posixpath.normpath(posixpath.join(cwd or "", target))


def _resolve(seg: Segment, words: list[str], depth: int, cwd: str | None):
    words = list(words)
    while True:
        while words and (words[0] in _RESERVED or _ASSIGNMENT.match(words[0])):
            words.pop(0)
        if not words or words[0] in _NOT_A_COMMAND:
            return
        program = _program(words[0])
        args = words[1:]
        if program == "command" and args and args[0] in ("-v", "-V"):
            return  # only says where a program is
        if program in _WRAPPERS:
            words = _unwrap(program, args)
            continue
        if program in SHELLS:
            yield from _shell(seg, args, depth, cwd)
            return
        if program == "eval":
            yield from invocations(" ".join(args), depth + 1, cwd)
            return
        if program == "ssh":
            yield from _ssh(seg, args, depth)
            return
        if program == "find" and _FIND_EXEC & set(args):
            start = next(i for i, a in enumerate(args) if a in _FIND_EXEC) + 1
            end = next((i for i in range(start, len(args)) if args[i] in (";", "+")), len(args))
            words = args[start:end]
            continue
        if program in ("kubectl", "oc") and args[:1] == ["exec"] and "--" in args:
            words = args[args.index("--") + 1:]
            continue
        if program in ("docker", "podman") and args[:1] == ["exec"]:
            words = _after_operands(args[1:], _EXEC_VALUES, 1)
            continue
        if program in ("npm", "pnpm", "yarn", "bun") and args[:1] in (["exec"], ["x"], ["dlx"]):
            words = _after_operands(args[1:], {"-p", "--package", "-c"}, 0)
            continue
        if program == "watch":
            rest = _after_operands(args, {"-n", "--interval", "-d", "--differences", "-q", "--equexit"}, 0)
            yield from invocations(" ".join(rest), depth + 1, cwd)
            return
        stdin = seg.stdin if seg.stdin is not None else _upstream_text(seg)
        yield Invocation(program, args, shown(seg.text), stdin, cwd)
        return


def _program(word: str) -> str:
    name = posixpath.basename(word)
    if name.endswith(".exe"):
        name = name[:-4]
    if "@" in name[1:]:  # npx aws-cdk@2
        name = name[: name.index("@", 1)]
    return ALIASES.get(name, name)


def _unwrap(wrapper: str, args: list[str]) -> list[str]:
    values, operands = _WRAPPERS[wrapper]
    if wrapper in ("direnv", "aws-vault", "op", "doppler") and args:
        args = args[1:]  # the verb: exec / run
        operands -= 1 if wrapper in ("direnv", "aws-vault") else 0
        if wrapper in ("op", "doppler"):
            operands = 0
    if wrapper == "env":
        for i, a in enumerate(args):
            if a in ("-S", "--split-string") and i + 1 < len(args):
                return shlex.split(args[i + 1]) + _after_operands(args[i + 2:], values, 0)
            if a.startswith(("-S", "--split-string=")) and a not in ("-S", "--split-string"):
                return shlex.split(a.split("=", 1)[1] if a.startswith("--") else a[2:]) + \
                    _after_operands(args[i + 1:], values, 0)
    if wrapper == "npx" and "-c" in args:  # npx -c "cmd string"
        i = args.index("-c")
        return ["sh", "-c", *args[i + 1: i + 2]]
    return _after_operands(args, values, operands)


def _after_operands(args: list[str], values: set[str], operands: int) -> list[str]:
    """The command a wrapper runs: after its options (and their values) and `operands` operands."""
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            i += 1
            break
        if a.startswith("-") and len(a) > 1:
            i += 2 if a in values else 1
            continue
        if operands:
            operands -= 1
            i += 1
            continue
        break
    return args[i:]


def _shell(seg: Segment, args: list[str], depth: int, cwd: str | None):
    i, command_string = 0, False
    while i < len(args):
        a = args[i]
        if a in ("--", "-"):
            i += 1
            break
        if a in ("-o", "+o", "--rcfile", "--init-file"):
            i += 2
        elif a.startswith("--"):
            i += 1
        elif a[:1] in ("-", "+") and len(a) > 1:
            command_string = command_string or (a[0] == "-" and "c" in a[1:])
            i += 1
        else:
            break
    if command_string:
        if i < len(args):
            yield from invocations(args[i], depth + 1, cwd)
        return
    if i < len(args):
        return  # a script file: not opened
    text = seg.stdin if seg.stdin is not None else _upstream_text(seg)
    if text:
        yield from invocations(text, depth + 1, cwd)


def _ssh(seg: Segment, args: list[str], depth: int):
    rest = _after_operands(args, _SSH_VALUES, 1)
    text = " ".join(rest) if rest else (seg.stdin or "")
    if text:
        yield from invocations(text, depth + 1)


def _upstream_text(seg: Segment) -> str | None:
    """What `echo ... |`, `printf ... |` or `cat <<EOF |` feeds the next command."""
    up = seg.piped_from
    if up is None:
        return None
    if up.stdin is not None and up.words[:1] == ["cat"] and len(up.words) == 1:
        return up.stdin
    if up.words and _program(up.words[0]) in ("echo", "printf"):
        words = [w for w in up.words[1:] if not re.fullmatch(r"-[neE]+", w)]
        return " ".join(words).replace("\\n", "\n")
    return None
