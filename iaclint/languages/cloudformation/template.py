"""CloudFormation templates (YAML, JSON, SAM) → `Resource`s by logical ID.

`looks_like_template(text)` tells a template from other YAML/JSON with string searches only.
`parse_template(text, path, stack)` reads one template and never raises: a template that
cannot be read gives one fatal `Problem` (with its line) and no resources, so a broken edit
is never mistaken for the deletion of every resource.

What a `Resource` holds:

- `address` = logical ID, `type` = its `Type`, `pos` = the logical ID key, with `end_line`
  the last line of the resource's block (also `meta["end_line"]`), `language="cloudformation"`.
- `body` = `Properties` as plain values, normalised so that equal meaning compares equal:
  - short-form intrinsics are in long form (`!Ref X` ≡ `{"Ref": "X"}`), and the string form
    `{"Fn::GetAtt": "A.B"}` becomes `{"Fn::GetAtt": ["A", "B"]}`;
  - **every scalar is a string or None**, as CloudFormation itself passes them to resource
    providers: `true` → `"true"`, `5` → `"5"`, `1.5` → `"1.5"`. YAML `Enabled: true` and
    JSON `"Enabled": "true"` are the same value. (Numbers are written the Python way after
    YAML/JSON typing: YAML `1.50` is `"1.5"`, JSON `"1.50"` stays `"1.50"`; keys likewise.)
  - values that depend on other parts of the template carry what they resolve to, so that
    editing the other part changes the property:
    `{"Ref": P}` for a Parameter with a Default → `{"Ref": P, "Default": d}`;
    `{"Fn::Sub": s}` naming such parameters → plus `"Defaults": {P: d, ...}`;
    `{"Fn::FindInMap": [m, k1, k2]}` with keys that are literal or `!Ref` of a parameter with
    a default, found in `Mappings` (or with a `DefaultValue`) → plus `"Value": v`.
- `positions` = dotted property path → `Pos` of the key (mapping entries) or of the item
  (list items, the index is the path component): `BucketName`, `Tags.0`, `Tags.0.Key`,
  `BucketName.Fn::Sub`. A key whose value is a mapping or list has `end_line` set. Resource
  attributes are under `@` + attribute name: `@Type`, `@DeletionPolicy`,
  `@UpdateReplacePolicy`, `@Properties`, `@Condition`, `@DependsOn`, `@Metadata`,
  `@UpdatePolicy`, `@CreationPolicy`.
- `meta`: `deletion_policy`, `update_replace_policy` (the policy name; a parameter's default
  for `!Ref P`; an `Expr` of the JSON text when computed otherwise, e.g. `!If`; None when
  absent), `update_policy` (normalised like the body, None when absent), `condition` (name or
  None), `depends_on` (list of names), `allow`
  (`[{"rule", "reason", "line"}]` from `Metadata: {iaclint: {allow: [...]}}`), `end_line`,
  `foreach` (the `Fn::ForEach::Name` loop that made the resource, else None), `resolved`
  (property path → the plain string an intrinsic there resolves to, for messages; never
  through a NoEcho parameter), `construct_path` (a template synthesized by CDK: the
  `aws:cdk:path` of its `Metadata`).
- `sources` = property path → the intrinsic as the template writes it (`!Sub "${Env}-x"` in
  YAML, its JSON in JSON), for messages (`shown.py`).
- `comments`: YAML comments mentioning `iaclint` directly above the logical ID or inside the
  block, as (Pos of `#`, text from `#`).

`Fn::ForEach::Name` entries of `Resources` (AWS::LanguageExtensions) are expanded when their
collection is a literal list or a parameter with a default; each made resource points at the
loop's output key.

Fatal problems (no resources at all): syntax errors, an empty document, a top level or
`Resources` that is not a mapping, no `Resources` section, hostile input (alias bombs, nesting
deeper than 200 levels, invalid UTF-8 when given bytes). Everything else is non-fatal: a
resource that is present but malformed (no `Type`, `Properties` not a mapping) is still
returned, so the differ does not see it as deleted; duplicate keys keep the last value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from iaclint.core.model import Expr, Pos, Problem, Resource
from iaclint.languages import json_reader as cfn_json
from iaclint.languages.cloudformation import shown
from iaclint.languages.json_reader import LoadError, Mapping, Sequence, to_plain

RESOURCE_ATTRIBUTES = (
    "Type",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Properties",
    "Condition",
    "DependsOn",
    "Metadata",
    "UpdatePolicy",
    "CreationPolicy",
)

# AWS::S3::Bucket, Custom::Thing, Alexa::ASK::Skill, and third-party registry types (MongoDB::Atlas::Cluster)
_TYPE_RE = re.compile(r"""["']?\bType["']?\s*:\s*["']?(?:(?:AWS|Custom|Alexa)::|[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+)""")
_YAML_RESOURCES = re.compile(r"""^["']?Resources["']?[ \t]*:""", re.MULTILINE)
_JSON_RESOURCES = re.compile(r'"Resources"\s*:')
_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]*)\}")
_IACLINT_COMMENT = re.compile(r"(?:^|\s)(#.*\biaclint\b.*?)\s*$")
_MISSING = object()
FOREACH = "Fn::ForEach::"
# CloudFormation allows 500 resources per template; loops past these bounds are not templates
# (and nested loops could otherwise multiply without end).
MAX_FOREACH_RESOURCES = 5000
MAX_FOREACH_NODES = 200_000  # values copied while expanding all loops of a template


@dataclass
class ParsedTemplate:
    resources: dict[str, Resource] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    transform: list[str] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    # Also kept, as plain loaded data: other template sections that checks may want.
    mappings: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    # "Section" and "Section.Entry" (e.g. "Outputs.BucketArn") → where the key is written.
    positions: dict[str, Pos] = field(default_factory=dict)
    format: str = ""  # "yaml" | "json" | "" (unread)

    @property
    def fatal(self) -> bool:
        """The template could not be read: its (empty) resources say nothing."""
        return any(problem.fatal for problem in self.problems)

    def __getattr__(self, name: str) -> Any:
        # only for a field a paired read left to read when it is first asked for
        # (`paired.Later`): the other sections of a template no check has read yet
        later = self.__dict__.get("_later")
        if later is None or name not in later.fields:
            raise AttributeError(name)
        later.fill(self)
        return self.__dict__[name]


def looks_like_template(text: str | bytes) -> bool:
    """Whether `text` is a CloudFormation template, by string search only (no parsing).

    Yes when it names `AWSTemplateFormatVersion`, or has a top-level `Resources` section (a
    line starting `Resources:` in YAML, a `"Resources":` key in JSON) and a
    `Type: AWS::…` / `Custom::…` / `Alexa::…` somewhere. A serverless.yml, whose CloudFormation
    resources sit under `resources:`, is not a template.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if "AWSTemplateFormatVersion" in text:
        return True
    if "Resources" not in text:
        return False
    section = _JSON_RESOURCES if text.lstrip("\ufeff \t\r\n").startswith("{") else _YAML_RESOURCES
    return section.search(text) is not None and _TYPE_RE.search(text) is not None


def parse_template(text: str | bytes, path: str, stack: str) -> ParsedTemplate:
    """Read one template. Never raises; see the module docstring for what comes back."""
    try:
        return _Template(path, stack).parse(text)
    except RecursionError:
        message = "the template is nested too deeply to read"
    except MemoryError:
        message = "the template is too large to read"
    except Exception as exc:  # noqa: BLE001 - a linter must report, not crash, on any input
        message = f"the template could not be read ({type(exc).__name__}: {exc})"
    return ParsedTemplate(problems=[Problem(path, Pos(1, 1), message, fatal=True)])


def load_text(text: str) -> tuple[str, Any, list[cfn_json.Issue]]:
    """(format, positioned data, issues) of a template's text; raises `LoadError`.

    JSON is read as JSON when the text starts with `{`; a document that is not valid JSON is
    tried as YAML (flow mappings are YAML too) and reports the JSON error if that fails.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.lstrip(" \t\r\n").startswith("{"):
        try:
            data, issues = cfn_json.load(text)
            return "json", data, issues
        except LoadError as json_error:
            try:
                data, issues = _yaml_load(text)
            except LoadError:
                raise json_error from None
            return "yaml", data, issues
    data, issues = _yaml_load(text)
    return "yaml", data, issues


def _yaml_load(text: str) -> tuple[Any, list[cfn_json.Issue]]:
    from iaclint.languages.cloudformation import yaml_reader as cfn_yaml  # imports PyYAML: only when YAML is read

    return cfn_yaml.load(text)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(f"the template is not valid UTF-8 ({exc.reason})", line, column) from None


class _Template:
    def __init__(self, path: str, stack: str) -> None:
        self.path = path
        self.stack = stack
        self.result = ParsedTemplate()
        self.lines: list[str] | None = None
        self.foreach_budget = [MAX_FOREACH_NODES]
        self.foreach_exhausted = False
        # a paired read's touched resources (`paired`): body and facts only. Where each key is
        # written and how its intrinsics read (positions, sources, meta["resolved"]) are left
        # None; `paired.Detail` makes them when a finding asks (one resource in ten): positions
        # read again from the resource's span, the intrinsics from its body
        self.lean = False

    def problem(self, where: Any, message: str, fatal: bool = False) -> None:
        line, column = (where.line, where.column) if hasattr(where, "line") else where
        self.result.problems.append(Problem(self.path, Pos(line, column), message, fatal))

    def parse(self, text: str | bytes, elsewhere: int = 0, values: _Values | None = None) -> ParsedTemplate:
        """`elsewhere`: resources the text leaves out (blanked by `paired`, read only if asked
        for); with them, a Resources section left empty is not a flaw. `values`: the context of
        a template whose other sections were read apart (`paired`)."""
        result = self.result
        try:
            if isinstance(text, bytes):
                text = _decode(text)
            result.format, data, issues = load_text(text)
        except LoadError as exc:
            self.problem((exc.line, exc.column), exc.message, fatal=True)
            return result
        for issue in issues:
            self.problem((issue.line, issue.column), issue.message)
        if result.format == "yaml":
            self.lines = text.splitlines()

        if data is None:
            self.problem((1, 1), "the template is empty", fatal=True)
            return result
        if not isinstance(data, Mapping):
            self.problem(
                data if hasattr(data, "line") else (1, 1), "the template is not a mapping", fatal=True
            )
            return result
        for key, (line, column) in data.key_pos.items():
            name = _text(key)
            result.positions[name] = Pos(line, column)
            section = data[key]
            if isinstance(section, Mapping):
                for entry, (line, column) in section.key_pos.items():
                    result.positions[f"{name}.{_text(entry)}"] = Pos(line, column)

        result.transform = _transforms(data.get("Transform"))
        for name in ("parameters", "metadata", "rules", "mappings", "conditions", "outputs"):
            section = data.get(name.capitalize())
            if section is not None and not isinstance(section, Mapping):
                self.problem(_where(data, name.capitalize()), f"{name.capitalize()} is not a mapping")
            elif section is not None:
                setattr(result, name, to_plain(section))

        resources = data.get("Resources", _MISSING)
        if resources is None and elsewhere:
            return result
        if resources is _MISSING:
            self.problem((1, 1), "the template has no Resources section", fatal=True)
            return result
        if not isinstance(resources, Mapping):
            self.problem(_where(data, "Resources"), "Resources is not a mapping", fatal=True)
            return result
        if not resources and not elsewhere:
            self.problem(_where(data, "Resources"), "Resources is empty")
        if not resources:
            return result
        values = values or _Values(result.parameters, result.mappings)
        for logical_id, spec in resources.items():
            name = _text(logical_id)
            where = resources.key_pos[logical_id]
            if name.startswith(FOREACH):
                for expanded, (made, made_where) in self.expand(name, spec, where, values).items():
                    if expanded in resources or expanded in result.resources:
                        self.problem(made_where, f"{name} makes a second resource {expanded}")
                    resource = self.resource(expanded, made, made_where, values)
                    resource.meta["foreach"] = name
                    result.resources[expanded] = resource
            else:
                result.resources[name] = self.resource(name, spec, where, values)
        return result

    def expand(
        self,
        name: str,
        loop: Any,
        where: tuple[int, int],
        values: _Values,
        out: dict[str, tuple[Any, tuple[int, int]]] | None = None,
    ) -> dict[str, tuple[Any, tuple[int, int]]]:
        """`Fn::ForEach::Name: [Identifier, Collection, {OutputKey: Resource}]` → resources.

        The collection must be a literal list or a parameter with a default; `${Identifier}`
        and `&{Identifier}` are replaced in output keys, `Ref: Identifier` and `${Identifier}`
        in `Fn::Sub` strings in the fragment (AWS::LanguageExtensions). Nested loops expand.
        """
        out = {} if out is None else out
        if not (
            isinstance(loop, list)
            and len(loop) == 3
            and isinstance(loop[0], str)
            and isinstance(loop[2], Mapping)
        ):
            self.problem(where, f"{name} needs [Identifier, Collection, {{OutputKey: OutputValue}}]")
            return out
        identifier, collection, fragment = loop
        items = values.collection(collection)
        if items is None:
            self.problem(
                where, f"{name} cannot be expanded: its collection is not a list or a parameter default"
            )
            return out
        for item in items:
            try:
                copy = _substitute(fragment, identifier, item, self.foreach_budget)
            except _TooLarge:
                if not self.foreach_exhausted:  # reported once, by the innermost loop
                    self.foreach_exhausted = True
                    self.problem(where, f"{name} expands to more than {MAX_FOREACH_NODES} values")
                return out
            for key, spec in copy.items():
                key_where = copy.key_pos[key]
                if len(out) >= MAX_FOREACH_RESOURCES:
                    self.problem(where, f"{name} expands to more than {MAX_FOREACH_RESOURCES} resources")
                    return out
                if _text(key).startswith(FOREACH):
                    self.expand(_text(key), spec, key_where, values, out)
                else:
                    out[_text(key)] = (spec, key_where)
        return out

    def resource(self, name: str, spec: Any, where: tuple[int, int], values: _Values) -> Resource:
        if not isinstance(spec, Mapping):
            self.problem(where, f"resource {name} is not a mapping")
            return Resource(
                name, "", self.stack, self.path, Pos(*where), language="cloudformation", meta=_meta(where[0])
            )
        end_line = self.end_line(where[0], spec.end_line)
        type_ = spec.get("Type")
        if not isinstance(type_, str):
            self.problem(
                where,
                f"resource {name} has no Type" if type_ is None else f"the Type of {name} is not a string",
            )
            type_ = ""
        properties = spec.get("Properties")
        body: dict[str, Any] = {}
        positions: dict[str, Pos] | None = None
        written: dict[str, str] | None = None
        resolved: dict[str, str] | None = None
        if self.lean:
            if isinstance(properties, Mapping):
                body = values.value(properties)  # the same body `properties` gives
        else:
            positions, written, resolved = {}, {}, {}
            for attribute in RESOURCE_ATTRIBUTES:
                if attribute in spec:
                    line, column = spec.key_pos[attribute]
                    value = spec[attribute]
                    end = value.end_line if isinstance(value, (Mapping, Sequence)) else None
                    positions["@" + attribute] = Pos(line, column, end)
            if isinstance(properties, Mapping):
                body = values.properties(properties, self.result.format, positions, written, resolved)
        if properties is not None and not isinstance(properties, Mapping):
            self.problem(_where(spec, "Properties"), f"the Properties of {name} are not a mapping")

        depends_on = spec.get("DependsOn")
        if isinstance(depends_on, str):
            depends_on = [depends_on]
        elif isinstance(depends_on, list):
            depends_on = [_text(item) for item in depends_on]
        else:
            if depends_on is not None:
                self.problem(_where(spec, "DependsOn"), f"the DependsOn of {name} is not a name or a list")
            depends_on = []
        condition = spec.get("Condition")
        meta = _meta(
            end_line,
            deletion_policy=values.policy(spec.get("DeletionPolicy")),
            update_replace_policy=values.policy(spec.get("UpdateReplacePolicy")),
            update_policy=values.value(spec.get("UpdatePolicy")),
            condition=condition if isinstance(condition, str) else None,
            depends_on=depends_on,
            allow=self.allow(name, spec.get("Metadata")),
            resolved=resolved,
        )
        metadata = spec.get("Metadata")
        if isinstance(metadata, Mapping) and isinstance(metadata.get("aws:cdk:path"), str):
            meta["construct_path"] = metadata["aws:cdk:path"]  # synthesized by CDK: its construct path
        return Resource(
            address=name,
            type=type_,
            stack=self.stack,
            path=self.path,
            pos=Pos(where[0], where[1], end_line),
            body=body,
            positions=positions,
            language="cloudformation",
            meta=meta,
            comments=self.comments(where[0], end_line),
            sources=written,
        )

    def allow(self, name: str, metadata: Any) -> list[dict[str, Any]]:
        """`Metadata: {iaclint: {allow: [{rule: IAC201, reason: ...}, IAC301]}}`.

        A single entry may stand without the list.
        """
        if not isinstance(metadata, Mapping) or "iaclint" not in metadata:
            return []
        ours = metadata["iaclint"]
        entries = ours.get("allow") if isinstance(ours, Mapping) else None
        if isinstance(entries, Sequence):
            item_pos = entries.item_pos
        elif isinstance(entries, (str, Mapping)):
            item_pos, entries = [ours.key_pos["allow"]], [entries]
        else:
            self.problem(_where(metadata, "iaclint"), f"Metadata.iaclint of {name} needs an `allow` list")
            return []
        allowed = []
        for entry, where in zip(entries, item_pos, strict=True):
            if isinstance(entry, str):
                allowed.append({"rule": entry, "reason": None, "line": where[0]})
            elif isinstance(entry, Mapping) and isinstance(entry.get("rule"), str):
                reason = entry.get("reason")
                allowed.append(
                    {
                        "rule": entry["rule"],
                        "reason": None if reason is None else _text(reason),
                        "line": where[0],
                    }
                )
            else:
                self.problem(where, f"an iaclint allow entry of {name} needs a `rule`")
        return allowed

    def end_line(self, start: int, end: int) -> int:
        """The resource's last line, without the blank lines a block scalar swallows."""
        lines = self.lines
        if lines is None:
            return max(start, end)
        end = min(max(start, end), len(lines))
        while end > start and not lines[end - 1].strip():
            end -= 1
        return end

    def comments(self, start: int, end: int) -> list[tuple[Pos, str]]:
        lines = self.lines
        if not lines:
            return []
        first = start
        while first > 1 and lines[first - 2].lstrip().startswith("#"):
            first -= 1
        found = []
        for number in range(first, min(end, len(lines)) + 1):
            line = lines[number - 1]
            if "iaclint" in line and "#" in line:
                match = _IACLINT_COMMENT.search(line)
                if match:
                    found.append((Pos(number, match.start(1) + 1), match.group(1)))
        return found


def _meta(end_line: int, **facts: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "deletion_policy": None,
        "update_replace_policy": None,
        "update_policy": None,
        "condition": None,
        "depends_on": [],
        "allow": [],
        "foreach": None,
        "resolved": {},
    }
    meta.update(facts)
    meta["end_line"] = end_line
    return meta


class _Values:
    """Turns loaded values into comparable plain values (see the module docstring)."""

    def __init__(self, parameters: dict[str, Any], mappings: dict[str, Any]) -> None:
        self.defaults = {
            _text(name): _strings(spec["Default"])
            for name, spec in parameters.items()
            if isinstance(spec, dict) and "Default" in spec
        }
        self.mappings = _strings(mappings)
        # never resolved for a message: CloudFormation masks them
        self.noecho = {
            _text(name)
            for name, spec in parameters.items()
            if isinstance(spec, dict) and str(spec.get("NoEcho", "")).lower() == "true"
        }

    def context(self) -> tuple:
        """Everything outside a resource that its reading depends on."""
        return self.defaults, self.mappings, self.noecho

    def policy(self, value: Any) -> str | Expr | None:
        """A DeletionPolicy / UpdateReplacePolicy: its name, or an `Expr` when it is computed.

        `!Ref Param` gives the parameter's default, as in bodies; anything else that is not a
        plain name (`!If [...]`) is an `Expr` of its JSON text, which compares by text and can
        be tested with `in {...}` without crashing.
        """
        value = self.value(value)
        if value is None or isinstance(value, str):
            return value
        if (
            isinstance(value, dict)
            and value.keys() == {"Ref", "Default"}
            and isinstance(value["Default"], str)
        ):
            return value["Default"]
        return Expr(json.dumps(value, sort_keys=True))

    def collection(self, value: Any) -> list[str] | None:
        """A Fn::ForEach collection as strings: a literal list or a parameter's default."""
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Ref"), str):
            value = self.defaults.get(value["Ref"])
            if isinstance(value, str):
                return [item.strip() for item in value.split(",")]
        if isinstance(value, list) and all(
            item is not None and not isinstance(item, (dict, list)) for item in value
        ):
            return [_scalar(item) for item in value]
        return None

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            convert = self.value
            out = {}
            # called for every value of every resource: strings, the usual leaves, need no call
            for key, item in value.items():
                out[key if key.__class__ is str else _scalar(key)] = (
                    item if item.__class__ is str else convert(item)
                )
            if len(out) == 1:
                self.resolve(out)
            return out
        if isinstance(value, list):
            convert = self.value
            return [item if item.__class__ is str else convert(item) for item in value]
        return _scalar(value)

    def properties(
        self, node: Mapping, fmt: str, positions: dict[str, Pos], written: dict[str, str], resolved: dict[str, str]
    ) -> dict[str, Any]:
        """A resource's `Properties` in one walk: the body (as `value`), every key's and item's
        position (as `_positions`) and the intrinsics as written and resolved (as
        `shown.annotate` over the body). Three walks over every property of every resource
        were the largest cost of a template after its parsing; the results are the same."""
        noecho = self.noecho
        short_form, as_json, resolve = shown.short_form, shown.as_json, shown.resolve
        intrinsic_name = shown.intrinsic_name

        def walk(node: Any, path: str, note: bool) -> Any:
            # `path` names `node` ("" for Properties itself); `note`: no intrinsic around it yet.
            # Whether a mapping is an intrinsic shows in its keys alone (`resolve` adds only keys
            # that `intrinsic_name` ignores), so it is known before its children are walked.
            if note and intrinsic_name(node) is not None:
                note = False
                mark = True
            else:
                mark = False
            prefix = path + "." if path else ""
            if isinstance(node, dict):
                key_pos = node.key_pos
                out = {}
                for key, item in node.items():
                    text = key if key.__class__ is str else _text(key)
                    line, column = key_pos[key]
                    child = prefix + text
                    if isinstance(item, _CONTAINERS):
                        positions[child] = Pos(line, column, item.end_line)
                        item = walk(item, child, note)
                    else:
                        positions[child] = Pos(line, column)
                        if item.__class__ is not str:
                            item = self.value(item)
                    out[key if key.__class__ is str else _scalar(key)] = item
                if len(out) == 1:
                    self.resolve(out)
            else:
                out = []
                for index, (item, (line, column)) in enumerate(zip(node, node.item_pos, strict=True)):
                    child = f"{prefix}{index}"
                    if isinstance(item, _CONTAINERS):
                        positions[child] = Pos(line, column, item.end_line)
                        item = walk(item, child, note)
                    else:
                        positions[child] = Pos(line, column)
                        if item.__class__ is not str:
                            item = self.value(item)
                    out.append(item)
            if mark:
                written[path] = as_json(out) if fmt == "json" else short_form(out)
                result = resolve(out, noecho)
                if isinstance(result, str):
                    resolved[path] = result
            return out

        try:
            return walk(node, "", True)
        finally:
            del walk  # a recursive closure is a reference cycle: left to the collector, one per resource

    def resolve(self, out: dict[str, Any]) -> None:
        ((function, argument),) = out.items()
        if function == "Fn::Ref":
            # written by some templates (CodeStar's project templates among the real ones) for
            # `Ref`, and read here as one: a change from one to the other replaces nothing (a
            # deployment that took `Fn::Ref` for `Ref` keeps the value; one that refused it never
            # deployed the template it was in)
            del out[function]
            function = "Ref"
            out[function] = argument
        if function == "Ref":
            if argument.__class__ is str and argument in self.defaults:
                out["Default"] = self.defaults[argument]
        elif function == "Fn::GetAtt":
            if argument.__class__ is str:
                out[function] = argument.split(".", 1)
        elif function == "Fn::Sub":
            if argument.__class__ is str:
                text, local = argument, {}
            elif (
                isinstance(argument, list)
                and len(argument) == 2
                and isinstance(argument[0], str)
                and isinstance(argument[1], dict)
            ):
                text, local = argument
            else:
                return
            names = {name.strip() for name in _SUB_VARIABLE.findall(text)}
            defaults = {
                name: self.defaults[name]
                for name in sorted(names)
                if name in self.defaults and name not in local
            }
            if defaults:
                out["Defaults"] = defaults
        elif function == "Fn::FindInMap":
            if not (isinstance(argument, list) and len(argument) in (3, 4)):
                return
            # a key may be `!Ref P` of a parameter with a default: look it up under the default
            keys = [
                key["Default"] if isinstance(key, dict) and key.keys() == {"Ref", "Default"} else key
                for key in argument[:3]
            ]
            if not all(key.__class__ is str for key in keys):
                return
            found: Any = _MISSING
            top = self.mappings.get(keys[0])
            second = top.get(keys[1]) if isinstance(top, dict) else None
            if isinstance(second, dict) and keys[2] in second:
                found = second[keys[2]]
            elif len(argument) == 4 and isinstance(argument[3], dict) and "DefaultValue" in argument[3]:
                found = argument[3]["DefaultValue"]
            if found is not _MISSING:
                out["Value"] = found


def _scalar(value: Any) -> Any:
    """A scalar as CloudFormation passes it on: a string (or None)."""
    if value is None or value.__class__ is str:
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # beyond int→str's digit limit (a hexadecimal literal can get there)
            return hex(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _strings(value: Any) -> Any:
    """Plain data with every scalar (and key) as a string: `_Values` without resolution."""
    if isinstance(value, dict):
        return {_scalar(key): _strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strings(item) for item in value]
    return _scalar(value)


def _text(key: Any) -> str:
    return key if key.__class__ is str else str(_scalar(key))


def _positions(node: Any, prefix: str, out: dict[str, Pos]) -> None:
    # The reference for the positions `_Values.properties` records in its single walk
    # (tests/test_cfn_parser.py compares them); templates are read without it.
    if isinstance(node, Mapping):
        key_pos = node.key_pos
        for key, value in node.items():
            path = prefix + (key if key.__class__ is str else _text(key))
            line, column = key_pos[key]
            if isinstance(value, _CONTAINERS):
                out[path] = Pos(line, column, value.end_line)
                _positions(value, path + ".", out)
            else:
                out[path] = Pos(line, column)
    elif isinstance(node, Sequence):
        for index, (value, (line, column)) in enumerate(zip(node, node.item_pos, strict=True)):
            path = f"{prefix}{index}"
            if isinstance(value, _CONTAINERS):
                out[path] = Pos(line, column, value.end_line)
                _positions(value, path + ".", out)
            else:
                out[path] = Pos(line, column)


_CONTAINERS = (Mapping, Sequence)


class _TooLarge(Exception):
    pass


def _substitute(node: Any, identifier: str, item: str, budget: list[int]) -> Any:
    """A copy of a Fn::ForEach fragment for one item, positions kept."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    if isinstance(node, Mapping):
        if len(node) == 1 and node.get("Ref") == identifier:
            return item
        copy = Mapping(node.line, node.column)
        copy.end_line = node.end_line
        for key, value in node.items():
            new_key = key
            if isinstance(key, str) and "{" in key:
                new_key = key.replace("${" + identifier + "}", item).replace(
                    "&{" + identifier + "}", re.sub(r"[^A-Za-z0-9]", "", item)
                )
            if key == "Fn::Sub" and isinstance(value, str):
                value = value.replace("${" + identifier + "}", item)
            elif key == "Fn::Sub" and isinstance(value, list) and value and isinstance(value[0], str):
                value = _substitute(value, identifier, item, budget)
                value[0] = value[0].replace("${" + identifier + "}", item)
            else:
                value = _substitute(value, identifier, item, budget)
            copy[new_key] = value
            copy.key_pos[new_key] = node.key_pos[key]
        return copy
    if isinstance(node, Sequence):
        copy_list = Sequence(node.line, node.column)
        copy_list.end_line = node.end_line
        copy_list.extend(_substitute(value, identifier, item, budget) for value in node)
        copy_list.item_pos = list(node.item_pos)
        return copy_list
    return node


def _where(mapping: Mapping, key: str) -> tuple[int, int]:
    return mapping.key_pos.get(key, (mapping.line, mapping.column))


def _transforms(value: Any) -> list[str]:
    """`Transform: X`, `[X, Y]` or `[{Name: X, Parameters: ...}]` → names."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and isinstance(item.get("Name"), str):
            names.append(item["Name"])
    return names
