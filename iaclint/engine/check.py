"""The base every rule derives from: identity, documentation and a helper to build findings."""

from __future__ import annotations

from typing import Any, Iterator

from iaclint.core.model import Category, Finding, Location, Pos, Resource, Severity, StackDiff
from iaclint.core.record import FRESH, Record
from iaclint.knowledge.packs import Packs


class Context(Record):
    """What every rule reads besides the stack diff: the packs, the settings, what was found so far."""

    packs: Packs
    settings: dict[str, Any]
    # The replacements found so far in the stack being checked (address after the change ->
    # the finding), filled by the runner as the replacement rules run: the cascade reads them.
    replaced: dict[str, Finding]
    # The dependents IAC107 found replaced with a root (dependent address -> root), filled by
    # that rule as it runs: the declared scope (IAC410) counts them as replaced by the change.
    cascaded: dict[str, str]

    def __init__(
        self,
        packs: Packs,
        settings: dict[str, Any] = FRESH,
        replaced: dict[str, Finding] = FRESH,
        cascaded: dict[str, str] = FRESH,
    ) -> None:
        self.packs = packs
        self.settings = {} if settings is FRESH else settings
        self.replaced = {} if replaced is FRESH else replaced
        self.cascaded = {} if cascaded is FRESH else cascaded

    def setting(self, name: str, default: Any) -> Any:
        return self.settings.get(name, default)


class Check:
    """A rule. Subclasses set the class attributes and implement `run`; the docstring is the doc."""

    code: str = ""
    name: str = ""
    category: Category = Category.REPLACEMENT
    severity: Severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        raise NotImplementedError

    @classmethod
    def doc(cls) -> str:
        import inspect  # here: a run that shows no rule's doc does not import it (nor ast, dis, tokenize)

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        lines = [ln.strip() for ln in cls.doc().splitlines()]
        try:
            i = lines.index("## What it does")
        except ValueError:
            i = -1
        for ln in lines[i + 1 :]:
            if ln:
                return ln
        return cls.name

    def finding(
        self,
        where: Resource | Location,
        message: str,
        help: str = "",
        *,
        severity: Severity | None = None,
        pos: Pos | None = None,
        path: str | None = None,
        resources: list[str] | None = None,
        fix: str | None = None,
        extra: dict[str, Any] | None = None,
        replaces: str | None = None,
        removed: bool = False,
    ) -> Finding:
        """A finding of this rule at a resource, or at a `Location` (a module call, a stack).

        `removed`: the position is one of the file before the change (a removed resource); the
        pipeline moves the finding to where the block was removed in the new file."""
        pos = pos or where.pos
        path = path or pos.path or where.path
        origin = _cdk_origin(where)
        if origin:
            message = f"{message} [{', '.join(f'{k.replace(chr(95), chr(32))} {v}' for k, v in origin.items())}]"
            extra = {**origin, **(extra or {})}
        return Finding(
            rule=self.code,
            name=self.name,
            category=self.category,
            severity=severity or self.severity,
            path=path,
            line=pos.line,
            column=pos.column,
            end_line=pos.end_line if pos.end_line and pos.end_line >= pos.line else pos.line,
            resource=where.address,
            resources=resources or [where.address],
            message=message,
            help=help,
            fix=fix,
            extra=extra or {},
            replaces=replaces,
            before_path=path if removed else None,
            before_line=pos.line if removed else None,
        )


def _cdk_origin(where: Resource | Location) -> dict[str, str]:
    """A resource of a template CDK synthesized: its construct path, and the user's line that
    created it when the cloud assembly carries creation stack traces (`languages.cloudformation.assembly`)."""
    if not isinstance(where, Resource) or where.language != "cloudformation":
        return {}
    out = {}
    for key in ("construct_path", "created_at"):
        value = where.meta.get(key)
        if isinstance(value, str) and value:
            out[key] = value
    return out


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")
