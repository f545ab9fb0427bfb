"""The command-line reader under `iaclint check-command`: split as a POSIX shell splits, never
expanding or running anything; any input is either read or refused with ShellSyntaxError."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iaclint.guard.invocations import from_argv, invocations
from iaclint.guard.shell import ShellSyntaxError, split


def words(line: str) -> list[list[str]]:
    return [s.words for s in split(line)]


@pytest.mark.parametrize("line, expected", [
    ("a b  c", [["a", "b", "c"]]),
    ("a 'b c' \"d e\" f\\ g", [["a", "b c", "d e", "f g"]]),
    ("a && b || c; d | e & f", [["a"], ["b"], ["c"], ["d"], ["e"], ["f"]]),
    ("a\nb", [["a"], ["b"]]),
    ("a#b # c", [["a#b"]]),
    ("x > out 2>&1 < in", [["x"]]),
    ("echo $(a b) `c`", [["a", "b"], ["c"], ["echo", "$(a b)", "`c`"]]),
    ('echo "$(a "q")"', [["a", "q"], ["echo", '$(a "q")']]),
    ("echo $((1 + 2))", [["echo", "$((1 + 2))"]]),
    ("diff <(a) <(b)", [["a"], ["b"], ["diff", "<(a)", "<(b)"]]),
    ("echo $'a\\'b'", [["echo", "a'b"]]),
    ("a \\\n b", [["a", "b"]]),
])
def test_split(line, expected):
    assert words(line) == expected


def test_here_documents_are_input_not_commands():
    (cat, after) = split("cat <<-'EOF' > notes.md\n\tterraform destroy\n\tEOF\necho done")
    assert cat.words == ["cat"] and cat.stdin == "\tterraform destroy\n"
    assert after.words == ["echo", "done"]


@pytest.mark.parametrize("line", ["a 'b", 'a "b', "a $(b", "a `b", "echo $(" * 20 + ")" * 20])
def test_unreadable_lines_are_refused(line):
    with pytest.raises(ShellSyntaxError):
        split(line)


@given(st.text(alphabet=st.sampled_from(list("ab $()`'\"\\|&;<>#\n{}-=")), max_size=40))
def test_any_line_is_read_or_refused(line):
    try:
        invocations(line)
    except ShellSyntaxError:
        pass


@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=6))
def test_quoted_words_come_back_as_they_were(argv):
    line = shlex.join(argv)
    assert [w for s in split(line) for w in s.words] == argv


def test_wrappers_are_seen_through():
    (inv,) = invocations("FOO=1 env -u X BAR=2 sudo -u ops nice -n 5 timeout 60 /opt/bin/terraform -chdir=a destroy")
    assert (inv.program, inv.args) == ("terraform", ["-chdir=a", "destroy"])
    (inv,) = invocations("cd infra && cd prod && bash -c 'terraform destroy'")
    assert inv.cwd == "infra/prod"
    (inv,) = from_argv(["sudo", "aws", "s3", "rb", "s3://x"])
    assert inv.program == "aws" and inv.shown == "sudo aws s3 rb s3://x"
