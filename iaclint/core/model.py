"""The shared vocabulary: what a resource is, what a change is, what a finding is.

Every parser produces `Resource`s, the differ produces `Change`s, checks produce `Finding`s.
Nothing here knows about a particular language.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "note": 1}[self.value]


class Category(str, enum.Enum):
    REPLACEMENT = "replacement"
    PROTECTION = "protection-removed"
    DELETION = "deletion"
    PARSE_ERROR = "parse-error"
    COMMAND = "destructive-command"  # a command an agent is about to run (`iaclint check-command`)
    DRIFT = "drift"  # a plan reverts or re-creates what was changed outside the tool
    OUT_OF_SCOPE = "out-of-scope"  # a resource the change touches outside its declared scope


# What a change destroys: a resource replaced or removed (the headline's count, the plan's verdict)
DESTRUCTIVE = (Category.REPLACEMENT, Category.DELETION)


@dataclass(frozen=True)
class Expr:
    """A value that cannot be known statically, kept as normalised source text.

    Two Exprs are equal when their normalised text is equal: reformatting an expression
    does not change it, editing it does.
    """

    text: str

    def __str__(self) -> str:
        return "${" + self.text + "}"


@dataclass(frozen=True)
class Pos:
    """A position in a file: line and column, 1-based."""

    line: int  # 1-based
    column: int = 1  # 1-based
    end_line: int | None = None
    path: str | None = None  # set only where the position is in another file than its resource (override files)


def _pos_init(self, line: int, column: int = 1, end_line: int | None = None, path: str | None = None) -> None:
    # Positions are made by the hundred thousand (every key of every template resource): written
    # straight into the instance's dict, as a frozen dataclass's unpickling does, instead of one
    # object.__setattr__ call per field (a third of the time). tests/test_model.py keeps the
    # signature the dataclass's own.
    d = self.__dict__
    d["line"] = line
    d["column"] = column
    d["end_line"] = end_line
    d["path"] = path


_pos_init.__qualname__ = "Pos.__init__"
Pos.__init__ = _pos_init


def _pos_reduce(self):
    # pickled as its four fields (a worker's answer, a cache entry): a tuple, not a dict, per position
    d = self.__dict__
    return Pos, (d["line"], d["column"], d["end_line"], d["path"])


Pos.__reduce__ = _pos_reduce


# A body is a plain nested structure:
#   dict[str, Value]   attributes and nested blocks (a nested block is a list of Body dicts)
#   Value              str | int | float | bool | None | list | dict | Expr
# `positions` maps a dotted attribute path ("lifecycle.prevent_destroy") to where it is written.
Body = dict


@dataclass
class Resource:
    """One managed resource, as written in one language.

    `address` is unique within its `stack` (a Terraform root module directory, a template file):
    `aws_db_instance.main`, `module.db.aws_db_instance.this`, or a CloudFormation logical ID.
    """

    address: str
    type: str
    stack: str
    path: str  # file, relative to the compared root
    pos: Pos
    body: Body = field(default_factory=dict)
    positions: dict[str, Pos] = field(default_factory=dict)
    language: str = "terraform"  # terraform | cloudformation | cdk | pulumi
    # Language-neutral facts the checks read. Terraform fills them from `lifecycle`, `count`,
    # `for_each`; CloudFormation from DeletionPolicy / UpdateReplacePolicy.
    meta: dict[str, Any] = field(default_factory=dict)
    # module call address prefix ("module.db.") that the resource lives under, "" at the root
    module: str = ""
    # Suppression comments attached to the resource: list of (Pos, raw text)
    comments: list[tuple[Pos, str]] = field(default_factory=list)
    # Dotted attribute path -> the value as written in the source, where that says more than
    # the value (`"${var.env}-queue"`, `!Sub "${Env}-table"`): what a message shows a reviewer.
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.address.rsplit(".", 1)[-1]

    def pos_of(self, attr_path: str) -> Pos:
        """Where an attribute (or its closest written ancestor) is, else the resource itself."""
        probe = attr_path
        while probe:
            if probe in self.positions:
                return self.positions[probe]
            probe = probe.rpartition(".")[0]
        return self.pos


@dataclass(frozen=True)
class Location:
    """Where a finding about something that is not one resource points: a module call, a
    stack, a provider block."""

    address: str
    path: str
    pos: Pos


class ChangeKind(str, enum.Enum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    RENAMED = "renamed"  # paired by similarity: the tool will destroy the old and create the new
    MOVED = "moved"  # paired by an explicit `moved` block (or alias): no destroy
    FORGOTTEN = "forgotten"  # `removed { lifecycle { destroy = false } }`: leaves state, no destroy


@dataclass
class Change:
    """One resource's change: its kind, both sides, and the attribute paths that differ."""

    kind: ChangeKind
    before: Resource | None
    after: Resource | None
    changed_paths: list[str] = field(default_factory=list)

    @property
    def current(self) -> Resource:
        """The side that still exists, or the removed one."""
        return self.after or self.before  # type: ignore[return-value]

    @property
    def address(self) -> str:
        return self.current.address

    @property
    def type(self) -> str:
        return self.current.type


@dataclass
class Finding:
    """What a rule reports: where, how loud, and why (the JSON output's finding)."""

    rule: str
    name: str
    category: Category
    severity: Severity
    path: str
    line: int
    message: str
    help: str = ""
    column: int = 1
    end_line: int | None = None
    resource: str = ""
    resources: list[str] = field(default_factory=list)
    source: str = "static"  # static | plan
    fix: str | None = None  # an exact edit that avoids the finding, when one is known
    extra: dict[str, Any] = field(default_factory=dict)
    # The resource (its address after the change) this finding says will be replaced: what the
    # cascade rule (IAC107) follows from. Not part of the output.
    replaces: str | None = None
    # Where a removed resource was, in the file before the change: a finding about it points at
    # the line of the new file where it was removed (`engine.removed_positions`), and keeps this.
    before_path: str | None = None
    before_line: int | None = None

    def identity(self) -> tuple:
        return (self.rule, self.path, self.line, self.resource, self.message)


@dataclass
class Problem:
    """Something a loader could not read, on one side of the change: the one type every
    language reports, turned into findings in one place (`engine.problems`)."""

    path: str
    pos: Pos
    message: str
    fatal: bool = True  # the file (or stack) could not be read as a whole; False: read, with a flaw
    side: str = "after"  # "before" | "after": which version of the file has it
    code: str = "IAC001"  # IAC001 a reading problem; IAC005 a duplicate key
    severity: Severity | None = None  # instead of the rule's default: a flaw that is not an error
    help: str = ""

    @property
    def line(self) -> int:
        return self.pos.line

    @property
    def column(self) -> int:
        return self.pos.column


@dataclass
class StackDiff:
    """The changes of one stack (Terraform root module directory, template file, program stack).

    `facts` holds what the language knows beyond resources, typed per language
    (`iaclint.core.facts`): rules read the fields they need and never guess at missing keys.

    `before_resources` / `after_resources` may be a mapping that reads a resource the first
    time it is asked for (a template read by what its change touched): its `read` holds every
    resource the change touched, and `mentioning(name)` the others whose text names `name`
    (the only ones that can refer to it). Iterating its values reads them all.
    """

    stack: str
    language: str
    changes: list[Change]
    before_count: int = 0
    after_count: int = 0
    facts: Any = None
    before_resources: dict[str, Resource] = field(default_factory=dict)  # what was there (module losses)
    after_resources: dict[str, Resource] = field(default_factory=dict)  # what is there after (cascades)
    moved_from: set[str] = field(default_factory=set)  # addresses an explicit move or alias covers
    moves: dict[str, str] = field(default_factory=dict)  # old address -> new, from explicit `moved` blocks
    changed_files: set[str] = field(default_factory=set)  # an unused suppression is reported only here
    stack_comments: list[tuple[str, Pos, str]] = field(default_factory=list)  # (path, pos, text) not on a resource
