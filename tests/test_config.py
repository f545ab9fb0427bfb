"""Configuration: `[tool.iaclint]` in pyproject.toml, `.iaclint.toml`, `--config FILE`.

Every key changes what a run reports; a key iaclint does not know, or a value of the wrong
type, stops the run with exit 2 and one line naming the file and the key.
"""

from __future__ import annotations

import json

import pytest

from conftest import BUCKET, DB_PROTECTED, DB_UNPROTECTED, GitRepo, run_cli, write

MIXED_BEFORE = {"db.tf": DB_PROTECTED, "broken.tf": 'resource "aws_s3_bucket" "logs" {\n'}
MIXED_AFTER = {"db.tf": DB_UNPROTECTED, "broken.tf": BUCKET}  # IAC201 error in db.tf, IAC002 warning in broken.tf


@pytest.fixture
def project(tmp_path):
    """A project directory holding before/ and after/; config files go in the project."""
    write(tmp_path / "before", MIXED_BEFORE)
    write(tmp_path / "after", MIXED_AFTER)
    return tmp_path


def lint(project, *extra):
    return run_cli(["diff", "before", "after", "--format", "json", *extra], cwd=project)


def rules(result) -> list[tuple[str, str]]:
    assert result.exit_code in (0, 1), result.output
    return sorted((f["rule"], f["severity"]) for f in json.loads(result.stdout)["findings"])


def config(project, text: str, name: str = ".iaclint.toml") -> None:
    (project / name).write_text(text, encoding="utf-8")


def assert_config_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("iaclint: "), result.stderr
    assert "Traceback" not in result.stderr
    for n in needles:
        assert n in lines[0], lines[0]


def test_without_configuration(project):
    assert rules(lint(project)) == [("IAC002", "warning"), ("IAC201", "error")]


@pytest.mark.parametrize("name, header", [(".iaclint.toml", ""), (".iaclint.toml", "[tool.iaclint]\n"), ("pyproject.toml", "[tool.iaclint]\n")])
def test_ignore(project, name, header):
    config(project, header + 'ignore = ["IAC201"]\n', name)
    assert rules(lint(project)) == [("IAC002", "warning")]


def test_select(project):
    config(project, 'select = ["parse-error"]\n')
    assert rules(lint(project)) == [("IAC002", "warning")]
    # the command line's --select replaces the configured one
    assert rules(lint(project, "--select", "IAC201")) == [("IAC201", "error")]


def test_ignore_adds_to_the_command_line(project):
    config(project, 'ignore = ["IAC002"]\n')
    assert rules(lint(project, "--ignore", "IAC201")) == []


def test_fail_on(project):
    config(project, 'fail_on = "never"\n')
    assert lint(project).exit_code == 0
    assert lint(project, "--fail-on", "error").exit_code == 1  # the option wins
    config(project, 'fail_on = "error"\nignore = ["IAC201"]\n')
    assert lint(project).exit_code == 0  # only a warning is left


def test_severity_overrides(project):
    config(project, '[severity]\nIAC201 = "note"\nparse-error-before = "error"\n')
    assert rules(lint(project)) == [("IAC002", "error"), ("IAC201", "note")]
    summary = json.loads(lint(project).stdout)["summary"]
    assert (summary["errors"], summary["warnings"], summary["notes"]) == (1, 0, 1)


def test_severity_override_can_lower_below_fail_on(project):
    config(project, '[severity]\nIAC201 = "note"\nIAC002 = "note"\n')
    assert lint(project).exit_code == 0


def test_exclude(project):
    config(project, 'exclude = ["broken.tf"]\n')
    assert rules(lint(project)) == [("IAC201", "error")]
    config(project, 'exclude = ["*.tf"]\n')
    assert rules(lint(project)) == []


def test_exclude_directories_in_a_repository(git_repo: GitRepo):
    git_repo.commit({"legacy/db.tf": DB_PROTECTED, "live/db.tf": DB_PROTECTED})
    git_repo.write({"legacy/db.tf": DB_UNPROTECTED, "live/db.tf": DB_UNPROTECTED})
    git_repo.write({".iaclint.toml": 'exclude = ["legacy/"]\n'})
    result = git_repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    assert [f["path"] for f in json.loads(result.stdout)["findings"]] == ["live/db.tf"]
    # found from a subdirectory too: the search goes up to the repository root
    sub = git_repo.iaclint("diff", "--base", "HEAD", "--format", "json", cwd=git_repo.path / "live")
    assert [f["path"] for f in json.loads(sub.stdout)["findings"]] == ["live/db.tf"]


def test_broad_deletion_threshold(tmp_path):
    queues = "".join(f'resource "aws_sqs_queue" "q{i}" {{\n  name = "q{i}"\n}}\n' for i in range(3))
    write(tmp_path / "before", {"main.tf": queues})
    write(tmp_path / "after", {"main.tf": "# all gone\n"})
    default = run_cli(["diff", "before", "after", "--format", "json", "--select", "broad-deletion"], cwd=tmp_path)
    assert json.loads(default.stdout)["findings"] == []  # 3 is below the default of 5
    config(tmp_path, "broad_deletion_threshold = 3\n")
    lowered = run_cli(["diff", "before", "after", "--format", "json", "--select", "broad-deletion"], cwd=tmp_path)
    assert [f["rule"] for f in json.loads(lowered.stdout)["findings"]] == ["IAC305"]


def test_format(project):
    config(project, 'format = "json"\n')
    result = run_cli(["diff", "before", "after"], cwd=project)
    assert json.loads(result.stdout)["version"] == 1


def test_explicit_config_file(project, tmp_path):
    other = tmp_path / "elsewhere.toml"
    other.write_text('ignore = ["IAC201", "IAC002"]\n')
    config(project, 'fail_on = "note"\n')  # not read when --config is given
    assert rules(lint(project, "--config", other)) == []


def test_explicit_config_file_missing(project):
    assert_config_error(lint(project, "--config", "nope.toml"), "nope.toml")


def test_iaclint_toml_wins_over_pyproject(project):
    config(project, '[tool.iaclint]\nignore = ["IAC002"]\n', "pyproject.toml")
    config(project, 'ignore = ["IAC201"]\n')
    assert rules(lint(project)) == [("IAC002", "warning")]


def test_pyproject_without_a_section_is_skipped(project):
    config(project, '[project]\nname = "x"\n', "pyproject.toml")
    assert rules(lint(project)) == [("IAC002", "warning"), ("IAC201", "error")]


@pytest.mark.parametrize(
    "text, needles",
    [
        ('fail_onn = "error"\n', ["fail_onn", "unknown key"]),
        ('[tool.iaclint]\nignored = ["IAC201"]\n', ["ignored"]),
        ('fail_on = 1\n', ["fail_on"]),
        ('fail_on = "critical"\n', ["fail_on"]),
        ('ignore = "IAC201"\n', ["ignore", "list"]),
        ('ignore = [201]\n', ["ignore"]),
        ('exclude = [true]\n', ["exclude"]),
        ('select = ["IAC2O1"]\n', ["select", "IAC2O1"]),
        ('ignore = ["no-such-rule"]\n', ["no-such-rule"]),
        ('severity = "error"\n', ["severity"]),
        ('[severity]\nIAC201 = "fatal"\n', ["IAC201"]),
        ('[severity]\nIAC999 = "note"\n', ["IAC999"]),
        ('broad_deletion_threshold = "5"\n', ["broad_deletion_threshold"]),
        ('broad_deletion_threshold = true\n', ["broad_deletion_threshold"]),
        ('broad_deletion_threshold = 0\n', ["broad_deletion_threshold"]),
        ('format = "xml"\n', ["format"]),
        ('fail_on = \n', ["invalid TOML"]),
        ('tool = 3\n[x\n', ["invalid TOML"]),
    ],
)
def test_bad_configuration(project, text, needles):
    name = ".iaclint.toml"
    config(project, text, name)
    assert_config_error(lint(project), name, *needles)


def test_bad_configuration_in_pyproject(project):
    config(project, "[tool.iaclint]\nfail_on = 2\n", "pyproject.toml")
    assert_config_error(lint(project), "pyproject.toml", "fail_on")


def test_tool_iaclint_must_be_a_table(project):
    config(project, '[tool]\niaclint = "strict"\n', "pyproject.toml")
    assert_config_error(lint(project), "pyproject.toml", "table")


def test_bad_configuration_is_reported_before_reading_git(tmp_path):
    """A broken config stops every mode the same way, even one that would fail later."""
    (tmp_path / ".iaclint.toml").write_text("nope = 1\n")
    assert_config_error(run_cli(["diff", "--staged"], cwd=tmp_path), "nope")
