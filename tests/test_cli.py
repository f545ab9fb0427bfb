"""The command line: exit codes, --fail-on, --select/--ignore, formats, --output, colour, the
other commands, and the entry points. Behaviour, not wording: messages are checked for the
fact they carry (a code, a path), never in full.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUCKET, DB_PROTECTED, DB_RETAGGED, DB_UNPROTECTED, REPO_ROOT, run_cli, run_cli_subprocess, write
from iaclint import __version__
from iaclint.engine.registry import RULES
from iaclint.output import FORMATTERS

ANSI = "\x1b["


def make_change(tmp_path: Path, before: dict, after: dict, name: str = "change") -> tuple[Path, Path]:
    b, a = tmp_path / name / "before", tmp_path / name / "after"
    b.mkdir(parents=True)
    a.mkdir(parents=True)
    write(b, before)
    write(a, after)
    return b, a


@pytest.fixture
def error_change(tmp_path):
    name = "error"
    """One error: IAC201 (deletion protection turned off)."""
    return make_change(tmp_path, {"main.tf": DB_PROTECTED}, {"main.tf": DB_UNPROTECTED}, name)


@pytest.fixture
def clean_change(tmp_path):
    name = "clean"
    return make_change(tmp_path, {"main.tf": DB_PROTECTED}, {"main.tf": DB_RETAGGED}, name)


@pytest.fixture
def warning_change(tmp_path):
    name = "warning"
    """One warning: IAC002 (the previous version cannot be read)."""
    return make_change(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "logs" {\n'}, {"main.tf": BUCKET}, name)


@pytest.fixture
def note_change(tmp_path):
    name = "note"
    """One note: IAC004 (a suppression that suppresses nothing)."""
    after = """
    # iaclint: allow IAC201 -- reviewed in OPS-1
    resource "aws_s3_bucket" "logs" {
      bucket = "example-logs"
      tags   = { team = "data" }
    }
    """
    return make_change(tmp_path, {"main.tf": BUCKET}, {"main.tf": after}, name)


@pytest.fixture
def mixed_change(tmp_path):
    name = "mixed"
    """An error in db.tf and a warning in broken.tf, in one module directory."""
    return make_change(
        tmp_path,
        {"db.tf": DB_PROTECTED, "broken.tf": 'resource "aws_s3_bucket" "logs" {\n'},
        {"db.tf": DB_UNPROTECTED, "broken.tf": BUCKET},
        name,
    )


def codes(result) -> list[str]:
    assert result.exit_code in (0, 1), result.output
    return sorted(f["rule"] for f in json.loads(result.stdout)["findings"])


def assert_usage_error(result, needle: str = "") -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert needle in result.stderr


# ------------------------------------------------------------------ the fixtures are what they claim


def test_fixture_severities(error_change, warning_change, note_change, clean_change):
    def severities(change):
        r = run_cli(["diff", *change, "--format", "json", "--fail-on", "never"])
        return [f["severity"] for f in json.loads(r.stdout)["findings"]]

    assert severities(error_change) == ["error"]
    assert severities(warning_change) == ["warning"]
    assert severities(note_change) == ["note"]
    assert severities(clean_change) == []


# ------------------------------------------------------------------ exit codes


def test_exit_0_when_clean(clean_change):
    result = run_cli(["diff", *clean_change])
    assert result.exit_code == 0
    assert result.stderr == ""


def test_exit_1_on_findings(error_change):
    result = run_cli(["diff", *error_change])
    assert result.exit_code == 1
    assert "IAC201" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    "args, needle",
    [
        ([], ""),  # no command
        (["diff"], "BEFORE and AFTER"),
        (["diff", "only-one"], "BEFORE and AFTER"),
        (["diff", "a", "b", "c"], "BEFORE and AFTER"),
        (["diff", "--bogus"], "--bogus"),
        (["diff", "--format", "xml", "a", "b"], "xml"),
        (["diff", "--fail-on", "critical", "a", "b"], "critical"),
        (["nope"], "nope"),
        (["explain"], "CODE"),
    ],
)
def test_exit_2_on_usage_errors(args, needle):
    assert_usage_error(run_cli(args), needle)


# ------------------------------------------------------------------ --fail-on


@pytest.mark.parametrize(
    "fixture, fail_on, expected",
    [
        ("error_change", "error", 1), ("error_change", "warning", 1), ("error_change", "note", 1), ("error_change", "never", 0),
        ("warning_change", "error", 0), ("warning_change", "warning", 1), ("warning_change", "note", 1), ("warning_change", "never", 0),
        ("note_change", "error", 0), ("note_change", "warning", 0), ("note_change", "note", 1), ("note_change", "never", 0),
        ("clean_change", "note", 0),
    ],
)
def test_fail_on(request, fixture, fail_on, expected):
    change = request.getfixturevalue(fixture)
    result = run_cli(["diff", *change, "--fail-on", fail_on])
    assert result.exit_code == expected, result.output
    assert result.stdout  # the report is printed whatever the exit code


def test_fail_on_defaults_to_warning(warning_change, note_change):
    assert run_cli(["diff", *warning_change]).exit_code == 1
    assert run_cli(["diff", *note_change]).exit_code == 0


# ------------------------------------------------------------------ --select / --ignore


def test_select_and_ignore_by_code_name_and_category(mixed_change):
    base = ["diff", *mixed_change, "--format", "json"]
    assert codes(run_cli(base)) == ["IAC002", "IAC201"]
    for selector in ("IAC201", "iac201", "deletion-protection-disabled", "protection-removed"):
        assert codes(run_cli(base + ["--select", selector])) == ["IAC201"], selector
        assert codes(run_cli(base + ["--ignore", selector])) == ["IAC002"], selector
    assert codes(run_cli(base + ["--select", "parse-error"])) == ["IAC002"]
    assert codes(run_cli(base + ["--ignore", "IAC201,parse-error-before"])) == []
    assert codes(run_cli(base + ["--ignore", "IAC201", "--ignore", "IAC002"])) == []
    assert codes(run_cli(base + ["--select", "IAC201, IAC002"])) == ["IAC002", "IAC201"]
    # ignore wins over select
    assert codes(run_cli(base + ["--select", "IAC201", "--ignore", "protection-removed"])) == []


def test_ignored_findings_do_not_fail_the_run(error_change):
    assert run_cli(["diff", *error_change, "--ignore", "IAC201"]).exit_code == 0


def test_summary_counts_only_reported_findings(mixed_change):
    result = run_cli(["diff", *mixed_change, "--format", "json", "--ignore", "IAC201"])
    summary = json.loads(result.stdout)["summary"]
    assert (summary["errors"], summary["warnings"], summary["notes"]) == (0, 1, 0)


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_selector_is_a_usage_error(mixed_change, option):
    # a typo in --select would otherwise silence everything
    assert_usage_error(run_cli(["diff", *mixed_change, option, "IAC2O1"]), "IAC2O1")


# ------------------------------------------------------------------ --format


@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
def test_every_format_renders_the_same_findings(mixed_change, fmt):
    result = run_cli(["diff", *mixed_change, "--format", fmt])
    assert result.exit_code == 1, result.output
    assert result.stderr == ""
    out = result.stdout
    if fmt in ("json",):
        assert sorted(f["rule"] for f in json.loads(out)["findings"]) == ["IAC002", "IAC201"]
    elif fmt == "sarif":
        doc = json.loads(out)
        assert doc["version"] == "2.1.0"
        assert sorted(r["ruleId"] for r in doc["runs"][0]["results"]) == ["IAC002", "IAC201"]
    elif fmt == "gitlab":
        doc = json.loads(out)
        assert len(doc) == 2
        assert {d["location"]["path"] for d in doc} == {"db.tf", "broken.tf"}
    elif fmt == "github":
        assert "::error " in out and "::warning " in out
        assert "file=db.tf" in out
    elif fmt == "dot":  # the blast-radius graph: only cascades are drawn; the counts are in a comment
        assert out.startswith("digraph blast_radius {") and "// iaclint: 1 error, 1 warning" in out
    else:  # text, markdown
        assert "IAC201" in out and "IAC002" in out
        assert "db.tf" in out and "broken.tf" in out


def test_format_list_matches_the_registry():
    from iaclint.cli import FORMAT_NAMES

    assert sorted(FORMAT_NAMES) == sorted(FORMATTERS)


def test_github_format_is_the_default_on_github_actions(error_change, monkeypatch, tmp_path):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run_cli(["diff", *error_change])
    assert result.exit_code == 1
    assert result.stdout.startswith("::error ")
    assert "IAC201" in summary.read_text()
    # an explicit --format still wins
    explicit = run_cli(["diff", *error_change, "--format", "json"])
    assert json.loads(explicit.stdout)["version"] == 1


def test_github_actions_other_values_keep_text(error_change, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert not run_cli(["diff", *error_change]).stdout.startswith("::")


# ------------------------------------------------------------------ --output


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_output_file(error_change, tmp_path, fmt):
    target = tmp_path / "out" / f"report.{fmt}"
    target.parent.mkdir()
    to_file = run_cli(["diff", *error_change, "--format", fmt, "--output", target])
    to_stdout = run_cli(["diff", *error_change, "--format", fmt])
    assert to_file.exit_code == to_stdout.exit_code == 1
    assert to_file.stdout == ""
    assert target.read_text(encoding="utf-8") == to_stdout.stdout
    short = run_cli(["diff", *error_change, "--format", fmt, "-o", target])
    assert short.exit_code == 1 and short.stdout == ""


def test_output_file_that_cannot_be_written(error_change, tmp_path):
    result = run_cli(["diff", *error_change, "-o", tmp_path / "missing-dir" / "report.txt"])
    assert_usage_error(result, "missing-dir")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "internal error" not in result.stderr


# ------------------------------------------------------------------ colour


def _run_on_tty(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run `python -m iaclint` with stdout on a pseudo-terminal; return (exit code, output)."""
    main, secondary = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS")}
    full_env["PYTHONPATH"] = str(REPO_ROOT)
    full_env.update(env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "iaclint", *map(str, args)], stdout=secondary, stderr=subprocess.PIPE, env=full_env,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    proc.wait(timeout=60)
    proc.stderr.close()
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal(error_change):
    code, out = _run_on_tty(["diff", *error_change], {})
    assert code == 1
    assert ANSI in out and "IAC201" in out


@pytest.mark.parametrize("no_color", ["1", "true", "anything"])
def test_no_colour_with_NO_COLOR(error_change, no_color):
    code, out = _run_on_tty(["diff", *error_change], {"NO_COLOR": no_color})
    assert code == 1
    assert "IAC201" in out and ANSI not in out


def test_no_colour_with_the_option_or_a_file(error_change, tmp_path):
    code, out = _run_on_tty(["diff", *error_change, "--no-color"], {})
    assert "IAC201" in out and ANSI not in out
    target = tmp_path / "report.txt"
    code, out = _run_on_tty(["diff", *error_change, "-o", target], {})
    assert code == 1
    assert ANSI not in target.read_text() and "IAC201" in target.read_text()


def test_no_colour_when_not_a_terminal(error_change):
    result = run_cli_subprocess(["diff", *error_change])
    assert result.exit_code == 1
    assert "IAC201" in result.stdout and ANSI not in result.stdout
    assert ANSI not in run_cli(["diff", *error_change]).stdout


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "gitlab"])
def test_machine_formats_never_have_colour(error_change, fmt):
    code, out = _run_on_tty(["diff", *error_change, "--format", fmt], {})
    assert code == 1
    assert ANSI not in out


# ------------------------------------------------------------------ rules, explain, version


def test_rules_lists_every_rule():
    result = run_cli(["rules"])
    assert result.exit_code == 0
    for rule in RULES:
        assert rule.code in result.stdout and rule.name in result.stdout
    md = run_cli(["rules", "--format", "markdown"])
    assert md.exit_code == 0
    assert all(rule.code in md.stdout for rule in RULES)


@pytest.mark.parametrize("key", ["IAC101", "iac101", "force-new-attribute-changed"])
def test_explain(key):
    result = run_cli(["explain", key])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("IAC101 force-new-attribute-changed")
    assert "## What it does" in result.stdout


def test_explain_every_rule():
    for rule in RULES:
        result = run_cli(["explain", rule.code])
        assert result.exit_code == 0 and rule.name in result.stdout


@pytest.mark.parametrize("key", ["IAC999", "no-such-rule", ""])
def test_explain_unknown_rule(key):
    result = run_cli(["explain", key])
    assert_usage_error(result, "unknown rule")
    assert result.stdout == ""


@pytest.mark.parametrize(("key", "says"), [
    ("random_password.special", ["replaces the resource (IAC101)", "terraform-provider-random:", "unset is the default, true"]),
    ("google_sql_database_instance.region", ["replaces the resource", "keeps the value in the state"]),
    ("github_repository.name", ["update in place"]),
    ("kubernetes_namespace", ["metadata.name: changing it replaces", "destroying it loses data (namespace:",
                              "terraform-provider-kubernetes:"]),
    ("mongodbatlas_cluster", ["termination_protection_enabled: guards against deletion while it is true"]),
    ("no_such_type", ["no facts"]),
])
def test_explain_terraform_facts(key, says):
    result = run_cli(["explain", key])
    assert result.exit_code == 0, result.output
    for text in says:
        assert text in result.stdout, result.stdout


def test_version():
    result = run_cli(["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"iaclint, version {__version__}"


def test_help():
    result = run_cli(["diff", "--help"])
    assert result.exit_code == 0
    for option in ("--base", "--head", "--staged", "--format", "--fail-on", "--select", "--ignore", "--output"):
        assert option in result.stdout


# ------------------------------------------------------------------ entry points


def test_python_dash_m(error_change, clean_change):
    dirty = run_cli_subprocess(["diff", *error_change, "--format", "json"])
    assert dirty.exit_code == 1
    assert json.loads(dirty.stdout)["findings"][0]["rule"] == "IAC201"
    clean = run_cli_subprocess(["diff", *clean_change])
    assert clean.exit_code == 0
    usage = run_cli_subprocess(["diff", "one"])
    assert usage.exit_code == 2 and "Traceback" not in usage.stderr
    version = run_cli_subprocess(["--version"])
    assert version.exit_code == 0 and __version__ in version.stdout


def test_console_script_entry_point_returns_the_exit_code(error_change):
    """`[project.scripts] iaclint = "iaclint.cli:program"`: main must return, not print, the code,
    and the program ends with it."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the package depends on tomli there
        import tomli as tomllib

    scripts = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"iaclint": "iaclint.cli:program"}
    code = subprocess.run(
        [sys.executable, "-c", "import sys; from iaclint.cli import main; sys.exit(main())", "diff", *map(str, error_change)],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True,
    ).returncode
    assert code == 1


def test_the_program_ends_with_mains_code_its_output_flushed_and_exit_handlers_run(error_change, tmp_path):
    """`program()` skips the interpreter's teardown: what main printed still arrives (through
    a pipe, so block-buffered), the exit handlers still run, and the status is main's."""
    mark = tmp_path / "handler-ran"
    script = ("import atexit, pathlib, sys\n"
              f"atexit.register(pathlib.Path({str(mark)!r}).write_text, 'yes')\n"
              "sys.stdout.write('before ')\n"
              "from iaclint.cli import program\n"
              "program()\n"
              "print('never reached')\n")
    proc = subprocess.run([sys.executable, "-c", script, "diff", "--format", "json", *map(str, error_change)],
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.startswith("before ") and json.loads(proc.stdout[len("before "):])["findings"]
    assert "never reached" not in proc.stdout and mark.read_text() == "yes"
    usage = subprocess.run([sys.executable, "-m", "iaclint", "diff", "--no-such-flag"],
                           env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True, text=True)
    assert usage.returncode == 2 and "no-such-flag" in usage.stderr


def test_closed_stdout_pipe_is_not_a_crash(tmp_path):
    """`iaclint diff ... | head -1` must not print a traceback. (`true` has long exited when
    iaclint writes, so the write always meets a closed pipe.)"""
    before = {f"m{i}.tf": DB_PROTECTED.replace('"main"', f'"db{i}"') for i in range(50)}
    after = {f"m{i}.tf": DB_UNPROTECTED.replace('"main"', f'"db{i}"') for i in range(50)}
    b, a = make_change(tmp_path, before, after)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        f'"{sys.executable}" -m iaclint diff "{b}" "{a}" | true; exit ${{PIPESTATUS[0]}}',
        shell=True, executable="/bin/bash", env=env, capture_output=True, text=True, timeout=120,
    )
    assert "Traceback" not in proc.stderr
    assert proc.stderr == ""
    assert proc.returncode == 1


@pytest.mark.parametrize("argv", [
    ["diff", "--staged"], ["diff", "--staged", "--no-cache"], ["diff", "--no-color", "--staged", "--debug"],
    ["diff", "--debug", "--no-cache", "--no-color", "--staged"],
    ["diff", "a", "b"], ["diff", "before", "after", "--format", "json", "-o", "out.json", "--no-cache"],
    ["diff", "--format", "sarif", "b", "--fail-on", "never", "a"], ["diff", "b", "a", "--output", "x", "--debug"],
])
def test_the_hooks_fast_path_passes_what_click_would(argv):
    """`iaclint diff --staged` skips click (start-up time in a hook): the parameters it passes
    are those click's definition of `diff` gives the same command line."""
    from iaclint.cli.diff import diff
    from iaclint.cli.diff_run import DEFAULTS, fast_params

    assert fast_params(argv) == diff.make_context("diff", argv[1:]).params
    assert set(DEFAULTS) == {p.name for p in diff.params}


@pytest.mark.parametrize("argv", [
    ["diff"], ["diff", "--staged", "stack1"], ["diff", "--staged", "--format", "json"],
    ["diff", "--staged", "--staged"], ["diff", "--staged", "--help"], ["diff", "--staged", "--no-cach"],
    ["plan", "--staged"], ["diff", "--staged", "--fail-on=never"], ["diff", "--staged", "--"],
    ["diff", "a"], ["diff", "a", "b", "c"], ["diff", "a", "b", "--format", "yaml"], ["diff", "a", "b", "--format"],
    ["diff", "a", "b", "--format", "json", "--format", "text"], ["diff", "a", "b", "--base", "x"],
    ["diff", "a", "b", "-o"], ["diff", "a", "b", "--", "c"], ["diff", "a", "b", "--format=json"], ["diff", "a", "-b"],
    ["diff", "a", "b", "--help"], ["diff", "a", "b", "--select", "IAC101"], ["diff", "a", "", "b"],
])
def test_anything_else_is_parsed_by_click(argv):
    from iaclint.cli.diff_run import fast_params

    assert fast_params(argv) is None


@pytest.mark.slow
def test_the_hooks_command_line_runs_without_click(git_repo):
    repo = git_repo
    db = 'resource "aws_db_instance" "db" {\n  engine = "postgres"\n  deletion_protection = %s\n}\n'
    repo.commit({"stack/main.tf": db % "true"})
    repo.write({"stack/main.tf": db % "false"})
    repo.git("add", "-A")
    probe = ("import sys; from iaclint.cli import main; rc = main(['diff', '--staged', '--no-cache']); "
             "sys.stderr.write('CLICK=%s RC=%s' % ('click' in sys.modules, rc))")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=repo.path, capture_output=True, text=True)
    assert "CLICK=False RC=1" in proc.stderr, proc.stderr
    assert "IAC201" in proc.stdout
