"""What every language loader is, and the reading every loader shares.

A loader turns the files of a change that belong to its language into stack diffs (the
resources of each stack on both sides, paired into changes, plus the language's typed facts)
and `Problem`s. Problems carry their side: one that cannot be read before the change is a
warning, after the change an error, in every language alike (`iaclint.engine.problems`).
"""

from __future__ import annotations

from typing import Any, Protocol

from iaclint.core.model import Pos, Problem, StackDiff
from iaclint.core.record import FRESH, Record, replace


class LoadContext(Record):
    """What a loader may use besides the two trees."""

    renames: dict[str, str]  # old path -> new path, files moved by the change
    changed: set[str]  # every changed path, of any language
    store: Any = None  # the disk cache (iaclint.cache.store.Store), or None
    # Every rule over one stack diff, its suppressions applied (the runner's, for this run), or
    # None. A loader that builds stack diffs in worker processes may check them there, where
    # they were read, and hand back the findings with them (`Loaded.checked`): the run then
    # needs no second round of workers, and no stack is sent anywhere to be checked.
    check: Any = None

    def __init__(self, renames: dict[str, str], changed: set[str], store: Any = None, check: Any = None) -> None:
        self.renames = renames
        self.changed = changed
        self.store = store
        self.check = check


class Loaded(Record):
    """What one loader made of its part of a change."""

    diffs: list[StackDiff]
    problems: list[Problem]
    files: int = 0
    # values a source marks sensitive (`sensitive = true` variables, NoEcho parameters): never printed
    secrets: set[str]
    # index in `diffs` -> the findings `LoadContext.check` made of that stack where it was built
    checked: dict[int, list]

    def __init__(
        self,
        diffs: list[StackDiff] = FRESH,
        problems: list[Problem] = FRESH,
        files: int = 0,
        secrets: set[str] = FRESH,
        checked: dict[int, list] = FRESH,
    ) -> None:
        self.diffs = [] if diffs is FRESH else diffs
        self.problems = [] if problems is FRESH else problems
        self.files = files
        self.secrets = set() if secrets is FRESH else secrets
        self.checked = {} if checked is FRESH else checked


class Loader(Protocol):
    language: str

    def load(self, before, after, paths: list[str], ctx: LoadContext) -> Loaded:
        """Read `paths` (the changed files this loader claimed) on both sides and diff them."""
        ...


class SideText(Record):
    """One side of one file: its text (None when the file is not there or cannot be read at all)
    and the problem reading it, if any (fatal: no text; not fatal: text with a flaw)."""

    text: str | None
    problem: Problem | None = None

    def __init__(self, text: str | None, problem: Problem | None = None) -> None:
        self.text = text
        self.problem = problem


def read_text(tree, path: str, side: str) -> SideText:
    """A file's text on one side. Invalid UTF-8 is read with the bytes replaced and reported;
    a binary, oversized or unreadable file has no text and a fatal problem."""
    from iaclint.inputs.trees import FileTooLarge
    from iaclint.languages.text import DecodeError, decode_text_lenient

    if not tree.exists(path):
        return SideText(None)
    try:
        raw = tree.read(path)
    except FileTooLarge:
        return SideText(None, Problem(path, Pos(1), "file is larger than the size limit; not read", side=side))
    except FileNotFoundError:
        return SideText(None)
    except OSError as exc:
        return SideText(None, Problem(path, Pos(1), read_error(exc), side=side))
    try:
        text, flaw = decode_text_lenient(raw)
    except DecodeError as exc:
        return SideText(None, Problem(path, Pos(exc.line or 1), str(exc), side=side))
    if flaw is not None:
        return SideText(text, Problem(path, Pos(flaw[1]), flaw[0], fatal=False, side=side))
    return SideText(text)


def read_error(exc: Exception) -> str:
    from iaclint.inputs.trees import NotARegularFile, OutsideTheTree

    if isinstance(exc, NotARegularFile):
        return "not a regular file (a FIFO, a device or a socket): not read"
    if isinstance(exc, OutsideTheTree):
        return "the path leads out of the compared tree through a symbolic link: not read"
    if isinstance(exc, PermissionError):
        return "file cannot be read: permission denied"
    return f"file cannot be read: {exc.__class__.__name__}"


def secret_texts(value: Any) -> set[str]:
    """The texts a sensitive value could appear as in a message: every string and number in it
    of three characters or more, as written and as Terraform prints it (`1.0` is shown `1`)."""
    out: set[str] = set()
    if isinstance(value, dict):
        for v in value.values():
            out |= secret_texts(v)
    elif isinstance(value, list):
        for v in value:
            out |= secret_texts(v)
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        shown = {str(value)}
        if isinstance(value, float) and value.is_integer():
            shown.add(str(int(value)))
        out |= {text for text in shown if len(text) >= 3}
    return out


def on_side(problems, side: str, path: str | None = None) -> list[Problem]:
    """Copies of the problems, marked as found on `side` (and in `path`, where the parser had
    none): a cached parse's problems are shared by both sides and never changed."""
    return [replace(p, side=side, path=p.path or path or "") for p in problems]
