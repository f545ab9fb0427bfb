"""Both sides of a changed template, read by what the change touched.

A resource whose text is the same on both sides, and which names no parameter default or
mapping that differs between them, reads the same on both sides: the change cannot have
changed it. So both sides are read with those resources blanked out (lines and columns kept,
so every position stays true), and each side's resources are a `LazyResources` that reads an
untouched resource from its own span only if a rule asks for it (a cascade asks for those
whose text names a resource it reaches; most runs ask for none). Sections no resource depends
on are read when first asked for (`Later`); sections both sides share are read once.

Anything unexpected returns None and the caller reads both templates whole, as before: a split
the spans module is unsure of, a resource or unread section libyaml cannot parse as a
document of its own (a value running on into the next resource), a section that does not read
cleanly, or resources that do not come back where the spans said they are. Findings are
therefore the same either way; what the reduced read does not report is a flaw inside text
that is identical on both sides (a duplicate key nested in an untouched resource).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Callable

from iaclint.core.diff import diff_resources
from iaclint.core.model import Change, Pos, Resource
from iaclint.languages.json_reader import MAX_DEPTH, LoadError
from iaclint.languages.json_reader import Mapping as _JsonMapping
from iaclint.languages.json_reader import Sequence as _JsonSequence
from iaclint.languages.cloudformation import spans
from iaclint.languages.cloudformation.template import (
    FOREACH, RESOURCE_ATTRIBUTES, ParsedTemplate, _decode, _positions, _Template, _Values, load_text,
)


class LazyResources(Mapping):
    """Resources by logical ID in template order: those the change touched, read at once; each
    untouched one read from its own span the first time it is asked for (`Untouched`)."""

    def __init__(self, order: list[str], read: dict[str, Resource], untouched: "Untouched") -> None:
        self._order = order
        self._read = read
        self._untouched = untouched
        self._made: dict[str, Resource] = {}
        self._names = set(order)

    def __getitem__(self, name: str) -> Resource:
        found = self._read.get(name) or self._made.get(name)
        if found is not None:
            return found
        if name not in self._names:
            raise KeyError(name)
        made = self._made[name] = self._untouched.resource(name)
        return made

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    @property
    def read(self) -> dict[str, Resource]:
        """The resources the change touched (all that differ between the sides)."""
        return self._read

    def mentioning(self, word: str) -> list[str]:
        """The untouched resources whose text contains `word`: the only ones that can refer to
        a resource of that name (a Ref, GetAtt, Sub or DependsOn writes it out)."""
        return self._untouched.mentioning(word, self._read)

    def lines(self) -> list[tuple[int, int]]:
        """(first line, last line) of every resource, in template order, as its position says:
        an untouched one's from its text where that is exact, without reading it."""
        out = []
        for name in self._order:
            found = self._read.get(name) or self._made.get(name)
            span = self._untouched.lines(name) if found is None else None
            if span is None:
                pos = (found or self[name]).pos
                span = (pos.line, pos.end_line if pos.end_line and pos.end_line >= pos.line else pos.line)
            out.append(span)
        return out

    def __reduce__(self):  # pickled as the plain dict it stands for
        return dict, (dict(self.items()),)


class Untouched:
    """Reads one untouched resource of a template from its span, with the template's context:
    the same Resource the whole template's read gives it."""

    def __init__(self, text: str, split: spans.Split, template: ParsedTemplate, path: str, stack: str) -> None:
        self.text, self.split, self.template, self.path, self.stack = text, split, template, path, stack
        self._lines: list[str] | None = None
        self._values: _Values | None = None
        self._starts: list[int] | None = None
        self._asked = 0  # words asked of `mentioning`
        self._resource_starts: list[int] | None = None  # where each resource's span starts, in text order
        self._words: dict[str, list[str]] | None = None
        self._returns: bool | None = None  # whether the text holds a carriage return

    def mentioning(self, word: str, leave_out: Container[str] = ()) -> list[str]:
        """The resources (but those in `leave_out`) whose text contains `word`, in template
        order. Each of the first words asked is found where it occurs in the text (one pass in
        C, not one search per resource: a cascade through thousands of replaced resources asked
        each of thousands of resources); beyond them, a logical ID (letters and digits, always
        written whole where it is named) is looked up in an index of the words each resource
        holds, made once."""
        self._asked += 1
        if self._asked > _SCANS and word.isascii() and word.isalnum():
            if self._words is None:
                self._words = self._word_index()
            names = self._words.get(word, ())
        else:
            names = self._containing(word)
        return [name for name in names if name not in leave_out]

    def _containing(self, word: str) -> list[str]:
        text, spans_ = self.text, self.split.resources
        if self._resource_starts is None:  # the split records resources in text order
            self._resource_starts = [start for start, _ in spans_.values()]
        names = list(spans_)
        found: list[str] = []
        at = text.find(word)
        while at != -1:
            i = bisect_right(self._resource_starts, at) - 1
            if i >= 0:
                _, end = spans_[names[i]]
                if at + len(word) <= end:
                    found.append(names[i])
                    at = text.find(word, end)  # the resource is found: on to the next one
                    continue
            at = text.find(word, at + 1)
        return found

    def _word_index(self) -> dict[str, list[str]]:
        text = self.text
        index: dict[str, list[str]] = {}
        for name, (start, end) in self.split.resources.items():
            for word in set(_WORD.findall(text, start, end)):
                index.setdefault(word, []).append(name)
        return index

    def lines(self, name: str) -> tuple[int, int] | None:
        """The first and last line the read of the resource gives it (its key's line, and its
        last line with content), or None where its text alone cannot say (a comment line last:
        it may be the end of a block scalar)."""
        text, split = self.text, self.split
        start, end = split.resources[name]
        first = self._line(split.keys[name])
        if split.format == "json":
            return first, max(first, self._line(end - 1))  # the closing brace's line
        at = end
        while at > start:
            line_start = max(start, text.rfind("\n", start, at - 1) + 1)
            content = text[line_start:at].strip()
            if content:
                if content.startswith("#"):
                    return None
                return first, max(first, self._line(line_start))
            at = line_start
        return None

    def _line(self, offset: int) -> int:
        """The 1-based line of `offset`: a bisection over where each line starts (found once)."""
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]
        return bisect_right(self._starts, offset)

    def values(self) -> _Values:
        """The template's context (its parameters' defaults, its mappings)."""
        if self._values is None:
            self._values = _Values(self.template.parameters, self.template.mappings)
        return self._values

    def lean(self, resource: Resource, name: str) -> Resource:
        """A resource read lean, with what the lean read left out made when first asked for."""
        detail = Detail(self, name, resource)
        resource.positions = LazyField(detail, "positions")
        resource.sources = LazyField(detail, "sources")
        resource.meta["resolved"] = LazyField(detail, "resolved")
        return resource

    def resource(self, name: str, lean: bool = True) -> Resource:
        """The resource read from its span; `lean`, as a touched one is (positions and the
        text of its intrinsics made when first asked for)."""
        text, split = self.text, self.split
        start, end = split.resources[name]
        if lean and split.format == "json":
            try:
                made = _json_resource(_Template(self.path, self.stack), _strict_json(), text, split, name, self.values(),
                                      self._line)
            except Exception:  # noqa: BLE001 - read positioned below, which says what is wrong
                made = None
            if made is not None:
                return self.lean(made, name)
        spec, where = self._spec(name)
        reader = _Template(self.path, self.stack)
        reader.result.format = split.format
        reader.lean = lean
        if split.format == "yaml":
            if self._lines is None:
                self._lines = text.splitlines()
            reader.lines = self._lines
        made = reader.resource(name, spec, where, self.values())
        return self.lean(made, name) if lean else made

    def positions(self, name: str) -> dict[str, Pos]:
        """Where each key and item of the resource is written (`Resource.positions`), read from
        its span without the rest of a full read (its body, its intrinsics' text)."""
        spec, _ = self._spec(name)
        out: dict[str, Pos] = {}
        if not isinstance(spec, _JsonMapping):
            return out
        for attribute in RESOURCE_ATTRIBUTES:  # first, as the full read records them
            if attribute in spec:
                line, column = spec.key_pos[attribute]
                value = spec[attribute]
                out["@" + attribute] = Pos(line, column, value.end_line if isinstance(value, (_JsonMapping, _JsonSequence)) else None)
        properties = spec.get("Properties")
        if isinstance(properties, _JsonMapping):
            _positions(properties, "", out)
        return out

    def _spec(self, name: str) -> tuple[Any, tuple[int, int]]:
        """The resource's definition, positioned, and where its name is: read from its span."""
        text, split = self.text, self.split
        start, end = split.resources[name]
        if split.format == "yaml":
            # the resource alone (a comment line after it ends a block scalar as the next
            # resource's key would), its positions moved down to its lines: blank lines before
            # it, as it was read until now, cost as much as the text before it, for each read
            _, data, _ = load_text(text[start:end] + ("#" if end < len(text) else ""))
            _move(data, self._line(start) - 1, 0)
        else:
            data = self._json_member(start, end)
            if data is None:
                top = split.top[0]  # the template's opening brace, after any leading whitespace
                _, data, _ = load_text(_blank(text, 0, top) + "{" + _blank(text, top + 1, start) + text[start:end] + "}")
        key = next(iter(data))
        return data[key], data.key_pos[key]

    def _json_member(self, start: int, end: int) -> Any:
        """A JSON resource read from its own text alone (`{` + its member + `}`), its positions
        moved to where the template has it: reading it with all the text before it blanked out
        was linear in where it is, for each resource a finding asks about. None where that does
        not apply (carriage returns count as line breaks to the reader; a member that does not
        read as JSON alone)."""
        from iaclint.languages import json_reader

        text = self.text
        if self._returns is None:
            self._returns = "\r" in text
        if self._returns:
            return None
        try:
            data, _ = json_reader.load("{" + text[start:end] + "}")
        except LoadError:
            return None
        _move(data, self._line(start) - 1, _column(text, start) - 2)
        return data


def _move(root: Any, lines: int, columns: int) -> None:
    """Every position of a read moved down `lines` lines, and those on its first line right
    `columns` columns (where a text read alone stands in a larger one)."""
    def at(where: tuple[int, int]) -> tuple[int, int]:
        return (where[0] + lines, where[1] + (columns if where[0] == 1 else 0))

    todo = [root]
    while todo:
        node = todo.pop()
        if isinstance(node, _JsonMapping):
            node.key_pos = {key: at(where) for key, where in node.key_pos.items()}
            children = node.values()
        elif isinstance(node, _JsonSequence):
            node.item_pos = [at(where) for where in node.item_pos]
            children = node
        else:
            continue
        node.line, node.column = at((node.line, node.column))
        node.end_line += lines
        todo.extend(child for child in children if isinstance(child, (_JsonMapping, _JsonSequence)))


# `mentioning`: words found by a pass over the text before the index of words is made
_SCANS = 16
_WORD = re.compile(r"[A-Za-z0-9]+")


class Detail:
    """What a lean read leaves out of one resource: how its intrinsics are written and what
    they resolve to, worked out from its body when first asked (`shown.annotate`, the
    reference the full read is tested against); where each key is written, read from the
    resource's own span when first asked. The same values the full read of the template gives."""

    def __init__(self, untouched: Untouched, name: str, resource: Resource) -> None:
        self.untouched, self.name, self.resource = untouched, name, resource
        self._positions: dict[str, Pos] | None = None
        self._annotated: tuple[dict[str, str], dict[str, str]] | None = None

    def field(self, name: str) -> Any:
        if name == "positions":
            if self._positions is None:
                self._positions = self._read_positions()
            return self._positions
        if self._annotated is None:
            from iaclint.languages.cloudformation.shown import annotate

            self._annotated = annotate(self.resource.body, self.untouched.split.format, self.untouched.values().noecho)
        return self._annotated[0] if name == "sources" else self._annotated[1]

    def _read_positions(self) -> dict[str, Pos]:
        untouched = self.untouched
        try:
            return untouched.positions(self.name)
        except Exception:  # noqa: BLE001 - never expected (the span read whole a moment ago): the whole read then
            from iaclint.languages.cloudformation.template import parse_template

            whole = parse_template(untouched.text, untouched.path, untouched.stack).resources.get(self.name)
            return whole.positions if whole is not None else {}


class LazyField(Mapping):
    """One of a lean resource's `Detail` fields, read when first used."""

    __slots__ = ("_detail", "_name")

    def __init__(self, detail: Detail, name: str) -> None:
        self._detail, self._name = detail, name

    def _get(self) -> dict:
        return self._detail.field(self._name)

    def __getitem__(self, key: str) -> Any:
        return self._get()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._get()

    def get(self, key: str, default: Any = None) -> Any:
        return self._get().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __repr__(self) -> str:
        return repr(self._get())

    def __reduce__(self):  # pickled as the plain dict it stands for
        return dict, (dict(self._get()),)


def parse_pair(
    before: str | bytes, after: str | bytes, before_path: str, after_path: str, stack: str
) -> tuple[ParsedTemplate, ParsedTemplate] | None:
    """Both sides read by their changed resources, or None to read them whole."""
    read = read_pair(before, after, before_path, after_path, stack)
    return None if read is None else read.sides(before, after, before_path, after_path, stack)


@dataclass
class PairRead:
    """Both sides of a template read by their changed resources: what a worker sends back
    (plain data; `lazy` gives each side its untouched resources where it is used)."""

    before: ParsedTemplate
    after: ParsedTemplate
    before_split: spans.Split
    after_split: spans.Split
    # the touched resources compared: every change of the stack (the untouched are the same)
    changes: list[Change]
    # the sections each side left to read when first asked for (`Later`)
    before_later: list[str]
    after_later: list[str]

    def sides(self, before: str | bytes, after: str | bytes, before_path: str, after_path: str,
              stack: str) -> tuple[ParsedTemplate, ParsedTemplate]:
        """Both templates with all their resources (`lazy`), `before` and `after` being the
        texts read. They are made in place: pickle (or cache) the read first."""
        return (lazy(self.before, self.before_split, before, before_path, stack, self.before_later),
                lazy(self.after, self.after_split, after, after_path, stack, self.after_later))


def lazy(
    template: ParsedTemplate, split: spans.Split, text: str | bytes, path: str, stack: str, later: list[str] = ()
) -> ParsedTemplate:
    """`template` (read reduced) with all of its resources, each untouched one read from `text`
    the first time it is asked for, and the `later` sections read when first asked for."""
    text = _as_text(text)
    untouched = Untouched(text, split, template, path, stack)
    for name, resource in template.resources.items():
        if resource.positions is None:  # read lean: where its keys are, when first asked for
            untouched.lean(resource, name)
    template.resources = LazyResources(list(split.resources), template.resources, untouched)
    # positions (of the later sections, and "Resources.<name>" of every resource) are made
    # when first asked for: no check reads them, and a worker need not send them
    pending = Later(text, split, path, stack, list(later), template.__dict__.pop("positions"))
    for field in pending.fields - {"positions"}:
        template.__dict__.pop(field, None)
    template.__dict__["_later"] = pending
    return template


def read_pair(before: str | bytes, after: str | bytes, before_path: str, after_path: str, stack: str) -> PairRead | None:
    """Both sides read by their changed resources, or None to read them whole.

    Each side is read from two reduced texts: its sections without the resources (a section
    whose text is the same on both sides is read once, from BEFORE, its positions moved to
    where AFTER has it), then the touched resources alone, with the context the sections give.
    """
    try:
        b_text, a_text = _as_text(before), _as_text(after)
    except LoadError:
        return None
    b_split, a_split = spans.split(b_text), spans.split(a_text)
    if b_split is None or a_split is None or b_split.format != a_split.format:
        return None
    if any(name.startswith(FOREACH) for name in (*b_split.resources, *a_split.resources)):
        return None  # a loop's resources are not where its text is
    untouched = {
        name
        for name, (start, end) in a_split.resources.items()
        if name in b_split.resources and _same_text(b_text, b_split.resources[name], a_text, start, end)
    }
    shared = {
        name
        for name, (start, end) in a_split.sections.items()
        if name != "Resources" and name in b_split.sections
        and _same_text(b_text, b_split.sections[name], a_text, start, end)
    }
    if not untouched and not shared:
        return None  # every part changed: read whole
    # what the resources' reading depends on is read now; the other sections (outputs,
    # conditions, metadata...) when first asked for, except those AFTER changed: a flaw
    # written into them must be seen now
    b_later = [name for name in b_split.sections
               if name != "Resources" and name not in EAGER and spans.plain_entries(b_text, b_split, name)]
    a_later = [name for name in a_split.sections if name in shared and name in b_later]
    if a_split.format == "yaml" and not _parts_read_alone(b_text, b_split, a_text, a_split, untouched, b_later):
        return None  # a part does not stand on its own: the whole read says what it is
    b_template = _read_sections(b_text, b_split, before_path, stack, set(b_later))
    a_template = _read_sections(a_text, a_split, after_path, stack, shared)
    if b_template is None or a_template is None:
        return None
    _share(b_template, a_template, shared - set(a_later), b_text, b_split, a_text, a_split)
    b_values = _Values(b_template.parameters, b_template.mappings)
    same_context = all((name in shared) or (name not in b_split.sections and name not in a_split.sections)
                       for name in ("Parameters", "Mappings"))
    a_values = b_values if same_context else _Values(a_template.parameters, a_template.mappings)

    changed = _changed_names(b_values.context(), a_values.context())
    if changed:
        # a default or a mapping changed: an untouched resource that names it may read
        # differently, so it is read with the touched ones (names are matched as text: any
        # Ref, Sub or FindInMap of one is written out)
        untouched = {
            name for name in untouched
            if not any(word in _span_text(b_text, b_split, name) or word in _span_text(a_text, a_split, name)
                       for word in changed)
        }

    for text, split, path, template, values in (
        (b_text, b_split, before_path, b_template, b_values),
        (a_text, a_split, after_path, a_template, a_values),
    ):
        read = _json_touched(path, stack, text, split, untouched, values, _LineCounter(text)) if split.format == "json" else None
        if read is None:
            reader = _Template(path, stack)
            reader.lean = True  # positions and sources: made when a finding asks (`Detail`)
            read = reader.parse(_resources_only(text, split, untouched), elsewhere=len(untouched), values=values)
        expected = [name for name in split.resources if name not in untouched]
        if read.fatal or list(read.resources) != expected:
            return None
        line_of = _LineCounter(text)
        for name in expected:
            if read.resources[name].pos.line != line_of(split.keys[name]):
                return None
        template.resources = read.resources
        template.problems = template.problems + read.problems
    changes = diff_resources(b_template.resources, a_template.resources)
    return PairRead(b_template, a_template, b_split, a_split, changes, b_later, a_later)


def _json_touched(path: str, stack: str, text: str, split: spans.Split, untouched: set[str], values: _Values,
                  line_of: Callable[[int], int]) -> ParsedTemplate | None:
    """A JSON side's touched resources, each decoded by the standard library (C speed) from
    its own span: a lean read needs no position inside a resource, only its own line and last
    line, which the span gives. None (read them positioned) for anything the positioned
    reader would treat otherwise: a duplicate key, nesting it refuses, `iaclint` metadata
    (its entries' lines are reported), or a resource that reads with a problem."""
    reader = _Template(path, stack)
    try:
        decoder = _strict_json()
        result = reader.result
        for name in split.resources:
            if name in untouched:
                continue
            made = _json_resource(reader, decoder, text, split, name, values, line_of)
            if made is None:
                return None
            result.resources[name] = made
        return result
    except Exception:  # noqa: BLE001 - read positioned, which says what is wrong
        return None


def _json_resource(reader: _Template, decoder, text: str, split: spans.Split, name: str, values: _Values,
                   line_of: Callable[[int], int]) -> Resource | None:
    """One JSON resource decoded from its span and read lean by `reader`; None (or an
    exception) where the positioned reader must read it (see `_json_touched`). `line_of`: the
    1-based line of an offset of `text`."""
    reader.lean = True
    reader.result.format = "json"
    start, end = split.resources[name]
    _, after_key = decoder.raw_decode(text, start)
    value_start = spans._WS.match(text, text.index(":", after_key) + 1).end()
    if text.find("iaclint", value_start, end) >= 0 or \
            text.count("{", value_start, end) + text.count("[", value_start, end) > MAX_DEPTH:
        return None
    try:
        spec, value_end = decoder.raw_decode(text, value_start)
    except ValueError:
        return None
    if value_end != end or not isinstance(spec, _JsonMapping):
        return None
    key = split.keys[name]
    line, column = line_of(key), _column(text, key)
    spec.line, spec.column = line, column
    spec.end_line = line_of(end - 1)  # the closing brace's line
    made = reader.resource(name, spec, (line, column), values)
    return None if reader.result.problems else made


_NEWLINE = re.compile("\n")


class _LineCounter:
    """The 1-based line of each offset of a text asked in increasing order, counted on from the
    last one: linear in the text over all of them (counting each from the start was quadratic
    in a large template with many touched resources). An earlier offset counts from the start."""

    __slots__ = ("text", "at", "line")

    def __init__(self, text: str) -> None:
        self.text, self.at, self.line = text, 0, 1

    def __call__(self, offset: int) -> int:
        if offset < self.at:
            self.at, self.line = 0, 1
        self.line += self.text.count("\n", self.at, offset)
        self.at = offset
        return self.line


def _strict_json():
    """A decoder that gives `json_reader.Mapping`s (what the resource reader expects) and
    refuses a key written twice (the positioned reader reports it)."""
    import json

    def mapping(pairs):
        node = _JsonMapping()
        node.update(pairs)
        if len(node) != len(pairs):
            raise ValueError("duplicate key")
        return node

    return json.JSONDecoder(object_pairs_hook=mapping)


# the sections a resource's reading depends on (defaults, mappings) and the transform
EAGER = frozenset({"Parameters", "Mappings", "Transform"})


class Later:
    """The sections a paired read left unread on one side: read, all at once, the first time
    one of their fields is asked for (`ParsedTemplate.__getattr__`)."""

    def __init__(self, text: str, split: spans.Split, path: str, stack: str, sections: list[str], known: dict[str, Pos]) -> None:
        self.text, self.split, self.path, self.stack = text, split, path, stack
        self.sections = set(sections)
        self.known = known  # the positions read already
        self.fields = {_FIELDS[name] for name in sections if name in _FIELDS} | {"positions"}

    def fill(self, template: ParsedTemplate) -> None:
        split = self.split
        positions = dict(self.known)
        if self.sections:
            read = ParsedTemplate()
            read.format = split.format
            for name, (start, end) in split.sections.items():
                if name in self.sections:  # a flaw here predates the change (the same text on both sides)
                    _section(split.format, self.text, start, end, self.path, self.stack).into(read, self.text, start)
            for field in self.fields - {"positions"}:
                template.__dict__[field] = getattr(read, field)
            positions.update(read.positions)
        positions.update(_resource_positions(self.text, split))
        template.__dict__["positions"] = positions
        del template.__dict__["_later"]


def _as_text(text: str | bytes) -> str:
    """A template's text as the whole read sees it: decoded (raises `LoadError`), without a BOM."""
    return _decode(text) if isinstance(text, bytes) else text.removeprefix("\ufeff")


def _parts_read_alone(b_text: str, b_split: spans.Split, a_text: str, a_split: spans.Split,
                      untouched: set[str], b_later: list[str]) -> bool:
    """Whether libyaml reads every resource of both sides, and every section left unread, each
    as a document of its own (the text AFTER shares with BEFORE once). That is what reading by
    parts assumes: a syntax error in text left unread, or a quoted scalar or flow collection
    that runs on into the next resource (where the split would see a resource that is not one,
    and the blanking would cut a value short), makes the template read whole."""
    parts = [b_text[start:end] for start, end in b_split.resources.values()]
    parts += [a_text[start:end] for name, (start, end) in a_split.resources.items() if name not in untouched]
    parts += [b_text[slice(*b_split.sections[name])] for name in b_later]
    # a document marker inside a quoted scalar or a flow collection is an error to libyaml
    return _yaml_syntax_ok("".join(f"---\n{part}{'' if part.endswith(chr(10)) else chr(10)}" for part in parts))


def _yaml_syntax_ok(text: str) -> bool:
    """Whether libyaml reads `text` to the end: events only, nothing built (the JSON split
    decodes every member, so JSON needs no such check)."""
    import yaml  # imported here: only a YAML template pair gets this far

    try:
        from yaml._yaml import CParser  # libyaml: `raw_parse` runs the parser without making events

        CParser(text).raw_parse()
        return True
    except ImportError:
        pass
    except (yaml.YAMLError, RecursionError, ValueError):
        return False
    try:
        for _ in yaml.parse(text, Loader=yaml.SafeLoader):
            pass
    except (yaml.YAMLError, RecursionError, ValueError):
        return False
    return True


def _read_sections(text: str, split: spans.Split, path: str, stack: str, leave_out: set[str]) -> ParsedTemplate | None:
    """The template's sections but Resources and the `leave_out` ones, each read on its own
    (`_section`); None when one does not read cleanly (the whole read will say why)."""
    template = ParsedTemplate()
    template.format = split.format
    for name, (start, end) in split.sections.items():
        if name == "Resources":
            template.positions[name] = Pos(*_line_column(text, start))
        elif name not in leave_out:
            section = _section(split.format, text, start, end, path, stack)
            if not section.clean:
                return None
            section.into(template, text, start)
    return template


class _Section:
    """One top-level section read on its own: the field it fills (`parameters`...) or the
    transform, and where its key and entries are, from its own first line and column."""

    __slots__ = ("field", "value", "positions", "clean")

    def __init__(self, field: str | None, value: Any, positions: list[tuple[str, int, int]], clean: bool) -> None:
        self.field, self.value, self.positions, self.clean = field, value, positions, clean

    def into(self, template: ParsedTemplate, text: str, start: int) -> None:
        """Its value and positions into `template`, moved to where `text` has it at `start`."""
        if self.field is not None:
            template.__dict__[self.field] = self.value
        line, column = _line_column(text, start)
        # a JSON section is read as `{` + its text + ...: its first line moves by its column
        first_line_shift = column - 2 if template.format == "json" else column - 1
        positions = template.__dict__["positions"]
        for key, at_line, at_column in self.positions:
            positions[key] = Pos(at_line + line - 1, at_column + (first_line_shift if at_line == 1 else 0))


# Sections read on their own, by their text: a section written the same in many templates (a
# family of templates shares its parameters and region mappings) is read once per process
_SECTIONS: dict[tuple[str, str], _Section] = {}
_SECTIONS_MAX = 1024


def _section(fmt: str, text: str, start: int, end: int, path: str, stack: str) -> _Section:
    written = text[start:end]
    found = _SECTIONS.get((fmt, written))
    if found is not None:
        return found
    if fmt == "yaml":
        # alone, with a Resources key after it (what the reader expects of a template); a block
        # scalar at its end ends there as it did before the next section
        snippet = written + ("" if written.endswith("\n") else "\n") + "Resources:\n"
    else:
        snippet = "{" + written + ', "Resources": null}'
    read = _Template(path, stack).parse(snippet, elsewhere=1)
    keys = [key for key in read.positions if key != "Resources" and not key.startswith("Resources.")]
    top = keys[0].split(".", 1)[0] if keys else None
    field = _FIELDS.get(top) if top is not None else None
    if top == "Transform":
        field, value = "transform", read.transform
    else:
        value = getattr(read, field) if field is not None else None
    positions = [(key, read.positions[key].line, read.positions[key].column) for key in keys]
    section = _Section(field, value, positions, not (read.fatal or read.problems) and top is not None)
    if len(_SECTIONS) >= _SECTIONS_MAX:
        _SECTIONS.clear()
    _SECTIONS[(fmt, written)] = section
    return section


_FIELDS = {"Parameters": "parameters", "Metadata": "metadata", "Rules": "rules", "Mappings": "mappings",
           "Conditions": "conditions", "Outputs": "outputs"}


def _share(before: ParsedTemplate, after: ParsedTemplate, shared: set[str], b_text, b_split, a_text, a_split) -> None:
    """AFTER's copy of the sections it shares with BEFORE, positions moved by the lines between."""
    for name in shared:
        if name in _FIELDS:
            setattr(after, _FIELDS[name], getattr(before, _FIELDS[name]))
        elif name == "Transform":
            after.transform = before.transform
        # the same text: lines move by the lines between, and on its first line (a minified
        # JSON template has one) columns move by the columns between
        b_line, b_column = _line_column(b_text, b_split.sections[name][0])
        a_line, a_column = _line_column(a_text, a_split.sections[name][0])
        prefix = name + "."
        for key, pos in before.positions.items():
            if key == name or key.startswith(prefix):
                column = pos.column + (a_column - b_column if pos.line == b_line else 0)
                after.positions[key] = Pos(pos.line + a_line - b_line, column)


def _resource_positions(text: str, split: spans.Split) -> dict[str, Pos]:
    """"Resources.<name>" for every resource, where the whole read records it."""
    out: dict[str, Pos] = {}
    line_of = _LineCounter(text)
    for name, offset in sorted(split.keys.items(), key=lambda item: item[1]):
        out[f"Resources.{name}"] = Pos(line_of(offset), _column(text, offset))
    return out


def _changed_names(before: tuple, after: tuple) -> set[str]:
    """Parameters whose default or NoEcho differs, and mappings that differ, by name."""
    (b_defaults, b_mappings, b_noecho), (a_defaults, a_mappings, a_noecho) = before, after
    out = set(b_noecho ^ a_noecho)
    for old, new in ((b_defaults, a_defaults), (b_mappings, a_mappings)):
        out |= {name for name in old.keys() | new.keys() if old.get(name, _ABSENT) != new.get(name, _ABSENT)}
    return out


_ABSENT = object()


def _span_text(text: str, split: spans.Split, name: str) -> str:
    start, end = split.resources[name]
    return text[start:end]


def _same_text(b_text: str, b_span: tuple[int, int], a_text: str, start: int, end: int) -> bool:
    b_start, b_end = b_span
    return b_end - b_start == end - start and b_text[b_start:b_end] == a_text[start:end]


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, _column(text, offset)


def _column(text: str, offset: int) -> int:
    return offset - (text.rfind("\n", 0, offset) + 1) + 1


def _resources_only(text: str, split: spans.Split, untouched: set[str]) -> str:
    """`text` with every section but Resources blanked, and the untouched resources too."""
    return _blanked(text, split, set(split.sections) - {"Resources"}, untouched)


def _blanked(text: str, split: spans.Split, sections: set[str], resources: set[str]) -> str:
    """`text` with those sections and resources blanked out, keeping every line (and, in
    JSON, every column) of the rest where it was."""
    if split.format == "yaml":
        regions = sorted([split.sections[name] for name in sections] + [split.resources[name] for name in resources])
    else:
        regions = sorted(_json_regions(split.sections, split.top[1], sections)
                         + _json_regions(split.resources, split.body[1], resources))
    pieces: list[str] = []
    at = 0
    for start, end in regions:
        pieces.append(text[at:start])
        if split.format == "yaml":
            # a comment line where the first blanked line was ends a block scalar just as the
            # next key would (an empty line would join the scalar's trailing lines)
            lines = text.count("\n", start, end)
            pieces.append("#" + "\n" * lines if lines else "")
        else:
            pieces.append(_blank(text, start, end))
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def _json_regions(members: dict[str, tuple[int, int]], closing: int, drop: set[str]) -> list[tuple[int, int]]:
    """What to blank to drop members of a JSON object: each with the comma after it, and the
    comma after the last member kept when every member after it goes."""
    names = list(members)
    kept = [i for i, name in enumerate(names) if name not in drop]
    last_kept = kept[-1] if kept else -1
    regions = []
    for i, name in enumerate(names):
        start, end = members[name]
        following = members[names[i + 1]][0] if i + 1 < len(names) else closing
        if name in drop:
            regions.append((start, following))
        elif i == last_kept and following != closing and any(n in drop for n in names[i + 1:]):
            regions.append((end, following))
    return regions


def _blank(text: str, start: int, end: int) -> str:
    """Spaces and the same newlines: what follows on the last line keeps its column."""
    lines = text.count("\n", start, end)
    last_line = end - (text.rfind("\n", start, end) + 1) if lines else end - start
    return "\n" * lines + " " * last_line


def resources_read(template: Any) -> dict[str, Resource]:
    """The resources a side was read with: only the touched ones for a reduced read."""
    if template is None:
        return {}
    resources = template.resources
    return resources.read if isinstance(resources, LazyResources) else resources
