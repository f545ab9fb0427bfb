"""`--base`, `--base --head` and `--staged` on real git repositories in temporary directories."""

from __future__ import annotations

import json

import pytest

from conftest import BUCKET, DB_PROTECTED, DB_RETAGGED, DB_UNPROTECTED, QUEUE, GitRepo


def findings(result) -> list[dict]:
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["findings"]


def rules_of(result) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["path"]) for f in findings(result))


def assert_one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("iaclint: ")
    assert "Traceback" not in result.stderr
    for n in needles:
        assert n in lines[0], lines[0]


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    """main: infra/db/{main.tf,bucket.tf} and app/queue.tf, one commit."""
    git_repo.commit({"infra/db/main.tf": DB_PROTECTED, "infra/db/bucket.tf": BUCKET, "app/queue.tf": QUEUE}, "init")
    return git_repo


# ------------------------------------------------------------------ --base REF (working tree)


def test_base_compares_ref_with_working_tree(repo):
    repo.write({"infra/db/main.tf": DB_UNPROTECTED})
    result = repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    assert result.exit_code == 1
    assert rules_of(result) == [("IAC201", "infra/db/main.tf")]


def test_base_clean_when_nothing_changed(repo):
    result = repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    assert result.exit_code == 0
    assert findings(result) == []


def test_base_benign_edit_is_clean(repo):
    repo.write({"infra/db/main.tf": DB_RETAGGED})
    result = repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    assert findings(result) == []


def test_base_sees_untracked_files(repo):
    # a new, never added file that disables protection by replacing the resource definition
    repo.write({"infra/db/main.tf": None, "infra/db/database.tf": DB_UNPROTECTED})
    result = repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    assert ("IAC201", "infra/db/database.tf") in rules_of(result)


def test_base_sees_a_deleted_file(repo):
    repo.write({"infra/db/main.tf": None})
    result = repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    assert result.exit_code == 1
    got = findings(result)
    assert got and all(f["category"] == "deletion" for f in got)
    assert {f["resource"] for f in got} == {"aws_db_instance.main"}
    assert {f["path"] for f in got} == {"infra/db/main.tf"}


def test_base_sees_a_deleted_module_directory(repo):
    repo.git("rm", "-q", "-r", "infra/db")
    result = repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    assert result.exit_code == 1
    assert "aws_db_instance.main" in {f["resource"] for f in findings(result)}


def test_ignored_files_are_not_read(repo):
    repo.write({".gitignore": "scratch/\n", "scratch/main.tf": 'resource "aws_db_instance" "x" {\n'})
    result = repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    assert findings(result) == []


# ------------------------------------------------------------------ --base X --head Y


def test_base_and_head_compare_two_revisions(repo):
    first = repo.head()
    second = repo.commit({"infra/db/main.tf": DB_UNPROTECTED})
    repo.write({"infra/db/main.tf": DB_PROTECTED})  # the working tree must not matter
    result = repo.iaclint("diff", "--base", first, "--head", second, "--format", "json")
    assert rules_of(result) == [("IAC201", "infra/db/main.tf")]
    # and the other way round nothing is destructive
    back = repo.iaclint("diff", "--base", second, "--head", first, "--format", "json")
    assert findings(back) == []


def test_head_accepts_branch_names(repo):
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"infra/db/main.tf": DB_UNPROTECTED})
    repo.git("checkout", "-q", "main")
    result = repo.iaclint("diff", "--base", "main", "--head", "feature", "--format", "json")
    assert rules_of(result) == [("IAC201", "infra/db/main.tf")]


def test_head_without_base_is_a_usage_error(repo):
    assert_one_line_error(repo.iaclint("diff", "--head", "HEAD"), "--head needs --base")


def test_staged_and_base_together_is_a_usage_error(repo):
    assert_one_line_error(repo.iaclint("diff", "--staged", "--base", "HEAD"), "cannot be combined")


# ------------------------------------------------------------------ merge-base semantics


def test_changes_made_on_main_after_branching_are_not_reported(repo):
    """main moved on (it deleted a queue and unprotected the DB); the branch only retags.

    Compared naively, main's tip against the branch would show the queue re-created and the
    protection turned *on*, and worse, with the branch as "before" the opposite. Comparing
    against the merge base shows only what the branch did.
    """
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"infra/db/bucket.tf": BUCKET + "\n# note\n"}, "branch work")
    repo.git("checkout", "-q", "main")
    repo.commit({"infra/db/main.tf": DB_UNPROTECTED, "app/queue.tf": None}, "main moves on")
    repo.git("checkout", "-q", "feature")
    result = repo.iaclint("diff", "--base", "main", "--format", "json")
    assert result.exit_code == 0, result.output
    assert findings(result) == []
    with_head = repo.iaclint("diff", "--base", "main", "--head", "feature", "--format", "json")
    assert findings(with_head) == []


def test_merge_base_still_reports_the_branchs_own_changes(repo):
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"infra/db/main.tf": DB_UNPROTECTED}, "branch unprotects")
    repo.git("checkout", "-q", "main")
    repo.commit({"app/queue.tf": QUEUE + "\n# edited on main\n"}, "main moves on")
    repo.git("checkout", "-q", "feature")
    result = repo.iaclint("diff", "--base", "main", "--format", "json")
    assert rules_of(result) == [("IAC201", "infra/db/main.tf")]


# ------------------------------------------------------------------ --staged


def test_staged_compares_index_with_head(repo):
    repo.write({"infra/db/main.tf": DB_UNPROTECTED})
    unstaged = repo.iaclint("diff", "--staged", "--format", "json")
    assert findings(unstaged) == []  # not staged yet: a commit now would not contain it
    repo.git("add", "infra/db/main.tf")
    staged = repo.iaclint("diff", "--staged", "--format", "json")
    assert staged.exit_code == 1
    assert rules_of(staged) == [("IAC201", "infra/db/main.tf")]
    # the working tree going back does not change what is staged
    repo.write({"infra/db/main.tf": DB_PROTECTED})
    assert rules_of(repo.iaclint("diff", "--staged", "--format", "json")) == [("IAC201", "infra/db/main.tf")]


def test_staged_deletion(repo):
    repo.git("rm", "-q", "infra/db/main.tf")
    result = repo.iaclint("diff", "--staged", "--format", "json")
    assert result.exit_code == 1
    assert "aws_db_instance.main" in {f["resource"] for f in findings(result)}


def test_staged_in_a_repository_without_commits(git_repo):
    git_repo.write({"infra/main.tf": DB_UNPROTECTED})
    git_repo.git("add", "-A")
    result = git_repo.iaclint("diff", "--staged", "--format", "json")
    assert result.exit_code == 0, result.output  # everything is new: nothing is destroyed
    assert findings(result) == []
    summary = json.loads(result.stdout)["summary"]
    assert summary["resources_before"] == 0 and summary["resources_after"] == 1


def test_base_in_a_repository_without_commits_is_a_usage_error(git_repo):
    git_repo.write({"main.tf": BUCKET})
    assert_one_line_error(git_repo.iaclint("diff", "--base", "HEAD"), "HEAD")


def test_git_mode_outside_a_repository(tmp_path):
    from conftest import run_cli

    assert_one_line_error(run_cli(["diff", "--staged"], cwd=tmp_path), "not inside a git repository")


# ------------------------------------------------------------------ renames and moves


def test_git_mv_in_the_same_directory_is_not_a_change(repo):
    repo.git("mv", "infra/db/main.tf", "infra/db/database.tf")
    for args in (["--base", "HEAD"], ["--staged"]):
        result = repo.iaclint("diff", *args, "--format", "json")
        assert result.exit_code == 0, (args, result.output)
        assert findings(result) == [], args


def test_plain_mv_without_git_is_not_a_change(repo):
    (repo.path / "infra/db/main.tf").rename(repo.path / "infra/db/database.tf")  # untracked now
    result = repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    assert findings(result) == []


def test_renamed_module_directory_reports_no_deletion(repo):
    repo.git("mv", "infra/db", "infra/database")
    for args in (["--base", "HEAD"], ["--staged"]):
        result = repo.iaclint("diff", *args, "--format", "json")
        got = findings(result)
        assert not [f for f in got if f["category"] == "deletion"], (args, got)
    committed = repo.commit(message="rename")
    result = repo.iaclint("diff", "--base", "HEAD~1", "--head", committed, "--format", "json")
    assert not [f for f in findings(result) if f["category"] == "deletion"]


def test_resource_moved_between_files_of_one_directory(repo):
    repo.write({
        "infra/db/main.tf": "# the database moved to bucket.tf\n",
        "infra/db/bucket.tf": BUCKET + DB_PROTECTED,
    })
    result = repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    assert findings(result) == []


def test_template_converted_from_yaml_to_json_is_compared_resource_by_resource(repo):
    from pathlib import Path

    cases = Path(__file__).parent / "cases"
    yaml_text = (cases / "benign/cfn-yaml-converted-to-json/before/template.yaml").read_text()
    json_text = (cases / "benign/cfn-yaml-converted-to-json/after/template.json").read_text()
    repo.commit({"stacks/orders/template.yaml": yaml_text}, "template")
    repo.git("rm", "-q", "stacks/orders/template.yaml")
    repo.write({"stacks/orders/template.json": json_text})
    assert findings(repo.iaclint("diff", "--base", "HEAD", "--format", "json")) == []
    repo.git("add", "-A")
    assert findings(repo.iaclint("diff", "--staged", "--format", "json")) == []
    converted = repo.commit(message="to JSON")
    assert findings(repo.iaclint("diff", "--base", "HEAD~1", "--head", converted, "--format", "json")) == []
    # back to YAML, with a real change made in the same edit: still seen, and only it
    repo.git("rm", "-q", "stacks/orders/template.json")
    repo.write({"stacks/orders/template.yaml": yaml_text.replace("DBInstanceIdentifier: orders-db",
                                                                 "DBInstanceIdentifier: orders-db-2")})
    got = findings(repo.iaclint("diff", "--base", "HEAD", "--format", "json"))
    assert [(f["rule"], f["resource"], f["path"]) for f in got] == [("IAC101", "OrdersDatabase", "stacks/orders/template.yaml")]


def test_templates_with_other_resources_are_not_paired(repo):
    from pathlib import Path

    cases = Path(__file__).parent / "cases"
    yaml_text = (cases / "benign/cfn-yaml-converted-to-json/before/template.yaml").read_text()
    repo.commit({"stacks/orders/template.yaml": yaml_text}, "template")
    repo.git("rm", "-q", "stacks/orders/template.yaml")
    repo.write({"stacks/orders/template.json": '{"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}'})
    got = findings(repo.iaclint("diff", "--base", "HEAD", "--format", "json"))
    assert any(f["rule"] == "IAC301" and f["resource"] == "OrdersDatabase" for f in got), got


# ------------------------------------------------------------------ PATH filters


def test_path_filter_limits_the_report(repo):
    repo.write({"infra/db/main.tf": DB_UNPROTECTED, "app/queue.tf": None})
    everything = rules_of(repo.iaclint("diff", "--base", "HEAD", "--format", "json"))
    assert {p for _, p in everything} == {"infra/db/main.tf", "app/queue.tf"}
    only_app = repo.iaclint("diff", "--base", "HEAD", "app", "--format", "json")
    assert {f["path"] for f in findings(only_app)} == {"app/queue.tf"}
    only_db = repo.iaclint("diff", "--base", "HEAD", "infra/db/main.tf", "--format", "json")
    assert rules_of(only_db) == [("IAC201", "infra/db/main.tf")]
    several = repo.iaclint("diff", "--base", "HEAD", "app", "infra", "--format", "json")
    assert rules_of(several) == everything


def test_file_filter_judges_the_whole_module_directory(repo):
    """pre-commit passes the changed files only: a sibling deletion must still be seen, and a
    resource moved to a sibling file is not a deletion."""
    repo.write({"infra/db/bucket.tf": None, "infra/db/main.tf": DB_RETAGGED})
    repo.git("add", "-A")
    result = repo.iaclint("diff", "--staged", "infra/db/main.tf", "--format", "json")
    assert "aws_s3_bucket.logs" in {f["resource"] for f in findings(result)}

    repo.git("reset", "-q", "--hard")
    repo.write({"infra/db/main.tf": "# moved\n", "infra/db/bucket.tf": BUCKET + DB_PROTECTED})
    repo.git("add", "-A")
    only_one = repo.iaclint("diff", "--staged", "infra/db/main.tf", "--format", "json")
    assert only_one.exit_code == 0, only_one.output
    assert findings(only_one) == []


def test_file_filter_sees_a_moved_block_in_a_sibling_file(repo):
    repo.commit({"infra/db/moves.tf": "# moves\n"}, "moves file")
    repo.write({
        "infra/db/main.tf": DB_PROTECTED.replace('"main"', '"orders"'),
        "infra/db/moves.tf": "moved {\n  from = aws_db_instance.main\n  to   = aws_db_instance.orders\n}\n",
    })
    result = repo.iaclint("diff", "--base", "HEAD", "infra/db/main.tf", "--format", "json")
    assert result.exit_code == 0, result.output
    assert findings(result) == []


def test_path_filter_relative_to_the_current_directory(repo):
    repo.write({"infra/db/main.tf": DB_UNPROTECTED, "app/queue.tf": None})
    result = repo.iaclint("diff", "--base", "HEAD", "db", "--format", "json", cwd=repo.path / "infra")
    assert rules_of(result) == [("IAC201", "infra/db/main.tf")]


def test_findings_are_relative_to_the_repository_root_from_a_subdirectory(repo):
    repo.write({"infra/db/main.tf": DB_UNPROTECTED})
    for sub in ("infra", "infra/db", "app"):
        result = repo.iaclint("diff", "--base", "HEAD", "--format", "json", cwd=repo.path / sub)
        assert rules_of(result) == [("IAC201", "infra/db/main.tf")], sub
        text = repo.iaclint("diff", "--base", "HEAD", cwd=repo.path / sub)
        assert text.stdout.startswith("infra/db/main.tf:"), text.stdout


def test_path_outside_the_repository(repo, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert_one_line_error(repo.iaclint("diff", "--base", "HEAD", str(outside)), "outside the repository")
    assert_one_line_error(repo.iaclint("diff", "--staged", "../elsewhere"), "outside the repository")


def test_path_that_matches_nothing(repo):
    assert_one_line_error(repo.iaclint("diff", "--base", "HEAD", "infra/nope"), "infra/nope")


# ------------------------------------------------------------------ bad refs


@pytest.mark.parametrize("ref", ["does-not-exist", "HEAD~99", "0" * 40, "main..HEAD"])
def test_unknown_ref(repo, ref):
    assert_one_line_error(repo.iaclint("diff", "--base", ref), "unknown git ref")
    assert_one_line_error(repo.iaclint("diff", "--base", "HEAD", "--head", ref), "unknown git ref")


@pytest.mark.parametrize("ref", ["-x", "--output=/tmp/pwned", "-h"])
def test_ref_starting_with_a_dash(repo, ref):
    result = repo.iaclint("diff", f"--base={ref}")
    assert_one_line_error(result, "cannot start with '-'")
    assert_one_line_error(repo.iaclint("diff", "--base", "HEAD", f"--head={ref}"), "cannot start with '-'")


def test_ref_naming_a_blob_is_not_a_commit(repo):
    assert_one_line_error(repo.iaclint("diff", "--base", "HEAD:app/queue.tf"), "unknown git ref")


def test_plain_mv_of_a_module_directory_reports_no_deletion(repo):
    (repo.path / "infra/db").rename(repo.path / "infra/database")  # git sees a deletion and untracked files
    result = repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    assert not [f for f in findings(result) if f["category"] == "deletion"], result.stdout


def test_filter_on_a_child_module_still_sees_its_caller(git_repo):
    git_repo.commit({
        "live/main.tf": 'module "db" {\n  source = "../modules/db"\n}\n',
        "modules/db/main.tf": DB_PROTECTED,
    })
    git_repo.write({"modules/db/main.tf": DB_UNPROTECTED})
    result = git_repo.iaclint("diff", "--base", "HEAD", "modules/db", "--format", "json")
    got = findings(result)
    assert [(f["rule"], f["path"]) for f in got] == [("IAC201", "modules/db/main.tf")]
    assert got[0]["resource"] == "module.db.aws_db_instance.main"
