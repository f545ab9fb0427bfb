"""YAML CloudFormation templates → positioned data (`cfn_json.Mapping` / `Sequence` / scalars).

The only module of iaclint that imports PyYAML; `cloudformation` imports it lazily, when a
YAML template is actually read.

How it reads: libyaml (through `yaml.CSafeLoader`, or the pure-Python `SafeLoader` when the C
extension is missing) scans and parses the text into events; `CfnLoader.build()` turns the
event stream into data with an explicit stack instead of PyYAML's recursive composer and
constructor. That gives, in one pass and without recursion:

- short-form intrinsics in long form, as cfn-lint does: `!Name v` → `{"Fn::Name": v}` for
  every tag (`!Sub`, `!If`, `!Join`, ... and tags unknown today), except those in
  `TAG_FUNCTIONS` (`!Ref X` → `{"Ref": "X"}`, `!Condition C` → `{"Condition": "C"}`);
  `!GetAtt A.B.C` → `{"Fn::GetAtt": ["A", "B.C"]}`. The operand of a tagged scalar is its
  text (`!Ref 5` → `{"Ref": "5"}`);
- plain scalars typed by PyYAML's own YAML 1.1 resolver and constructors (so `true`, `yes`,
  `0x1F`, `1_000`, `.inf` mean what they mean to cfn-lint), except timestamps, which stay
  text (`Version: 2012-10-17` is the string CloudFormation sees, not a `datetime.date`);
- positions of every key and list item (1-based line and column);
- guards: nesting deeper than `MAX_DEPTH` stops at the opening line (PyYAML's C composer
  would recurse once per level and crash the interpreter on ~100k levels); aliases may expand
  to at most `MAX_ALIAS_NODES` nodes in total (billion-laughs templates fail in
  milliseconds); recursive aliases, duplicate anchors, complex and null keys are errors;
  duplicate keys are `Issue`s (the last value wins).

Merge keys (`<<: *base`) work as in PyYAML: CloudFormation itself rejects aliases, but
`aws cloudformation package` and SAM resolve them client-side, and cfn-lint accepts them.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

from iaclint.languages.json_reader import MAX_DEPTH, Issue, LoadError, Mapping, Sequence

try:
    _Base: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader

WITH_LIBYAML = _Base is not yaml.SafeLoader

# Total nodes that aliases may add by repetition. Templates seldom use aliases at all; this
# allows generous legitimate reuse while a billion-laughs document fails after a few levels.
MAX_ALIAS_NODES = 100_000

# Tags whose long form is not "Fn::" + name.
TAG_FUNCTIONS = {"Ref": "Ref", "Condition": "Condition"}

_YAML = "tag:yaml.org,2002:"
_MERGE = object()  # the constructed value of a `<<` key


class CfnLoader(_Base):  # type: ignore[misc,valid-type]
    """A safe loader that builds positioned CloudFormation data from libyaml's events."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.text = stream
        self.lines: list[str] | None = None
        self.issues: list[Issue] = []
        self.anchors: dict[str, tuple[Any, int]] = {}  # name → (value, node count)
        self.open_anchors: set[str] = set()
        self.alias_nodes = 0

    # -- scalars ---------------------------------------------------------------------------

    def scalar(self, event: ScalarEvent) -> Any:
        tag, value = event.tag, event.value
        if tag is None or tag == "!":
            if tag is None and event.implicit[0]:
                tag = self.resolve_plain(value)
            else:
                return value
        if tag.startswith("!"):
            return _intrinsic(tag[1:], _getatt(value, event) if tag == "!GetAtt" else value, event)
        return self.typed_scalar(tag, value, event)

    def block_scalar_end(self, start: int, end: int) -> int:
        """A block scalar's end mark comes after the blank lines that follow it: skip them."""
        if self.lines is None:
            self.lines = self.text.splitlines()
        lines = self.lines
        end = min(end, len(lines))
        while end > start and not lines[end - 1].strip():
            end -= 1
        return end

    def resolve_plain(self, value: str) -> str:
        resolvers = self.yaml_implicit_resolvers
        for tag, regexp in resolvers.get(value[:1], ()):
            if regexp.match(value):
                return tag
        return _YAML + "str"

    def typed_scalar(self, tag: str, value: str, event: ScalarEvent) -> Any:
        kind = tag[len(_YAML) :] if tag.startswith(_YAML) else None
        if kind in ("str", "timestamp", "binary", "value", "yaml"):
            return value
        if kind == "null":
            return None
        if kind == "merge":
            return _MERGE
        if kind in ("bool", "int", "float"):
            node = ScalarNode(tag, value, event.start_mark, event.end_mark)
            try:
                if kind == "bool":
                    return self.construct_yaml_bool(node)
                if kind == "int":
                    return self.construct_yaml_int(node)
                return self.construct_yaml_float(node)
            except (ValueError, KeyError):
                if kind == "int":  # more digits than int() accepts: keep the text
                    return value
                raise _error(f"{value!r} is not a valid {kind}", event) from None
        raise _error(f"unsupported YAML tag {tag!r}", event)

    # -- the document ----------------------------------------------------------------------

    def build(self) -> tuple[Any, list[Issue]]:
        """Read the single document of the stream; `None` for an empty stream."""
        get = self.get_event
        event = get()
        if not isinstance(event, StreamStartEvent):  # pragma: no cover - libyaml guarantees it
            raise _error("not a YAML stream", event)
        event = get()
        if isinstance(event, StreamEndEvent):
            return None, self.issues
        data = self.document(get)
        event = get()
        if not isinstance(event, StreamEndEvent):
            raise _error("expected a single document, found another one", event)
        return data, self.issues

    def document(self, get: Any) -> Any:
        # Frames of open collections: [node, depth, pending key, key position, anchor,
        # node count, merges, tag, flow style]. A mapping's pending key is _NOKEY while a key
        # is expected. `frame` is the innermost (stack[-1]), None at the top. The hot loop of
        # every YAML read: what each event costs here is most of a template's reading time.
        stack: list[list[Any]] = []
        frame: list[Any] | None = None
        root: Any = None
        plain = _PLAIN_TEXT
        if len(plain) > _PLAIN_TEXT_MAX:
            plain.clear()
        remembered = plain.get
        scalar = self.scalar
        # node counts bound what aliases expand to: without an anchor there is nothing to count
        counting = "&" in self.text
        event = get()  # after DocumentStartEvent
        while True:
            cls = event.__class__
            if cls is ScalarEvent:
                # most events of a template: a plain scalar that resolves to text, and the same
                # texts recur (keys, types, names), so their resolution is remembered, across
                # documents too (a paired read reads each touched resource as one)
                if event.tag is not None:
                    value = scalar(event)
                elif not event.implicit[0]:
                    value = event.value  # quoted or block: text as written
                else:
                    text = event.value
                    value = remembered(text, _NOKEY)
                    if value is _NOKEY:
                        value = scalar(event)
                        if value.__class__ is str:
                            plain[text] = value
                start_mark, end_mark = event.start_mark, event.end_mark
                line = start_mark.line
                size = 1
                # the last line: a block scalar's end mark is at column 0 of the next line
                end = end_mark.line
                if end_mark.column != 0 or end <= line:
                    end += 1
                style = event.style
                if style == "|" or style == ">":
                    end = self.block_scalar_end(line + 1, end)
                anchor, where = event.anchor, (line + 1, start_mark.column + 1)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                tag = event.tag
                # a tagged collection becomes a one-key mapping around it: one level more
                depth = (frame[1] if frame is not None else 0) + (2 if tag is not None and tag != "!" else 1)
                if depth > MAX_DEPTH:
                    raise _error(f"nesting deeper than {MAX_DEPTH} levels", event)
                start_mark = event.start_mark
                line, column = start_mark.line + 1, start_mark.column + 1
                node = Mapping(line, column) if cls is MappingStartEvent else Sequence(line, column)
                if event.anchor is not None:
                    self.open_anchors.add(event.anchor)
                frame = [node, depth, _NOKEY, None, event.anchor, 1, None, tag, event.flow_style]
                stack.append(frame)
                event = get()
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                node, _depth, key, _where, anchor, size, merges, tag, flow = stack.pop()
                frame = stack[-1] if stack else None
                if key is not _NOKEY:  # pragma: no cover - libyaml pairs keys and values
                    raise _error("mapping key without a value", event)
                if merges:
                    _merge(node, merges)
                if flow:  # the closing bracket is the last line; a block ends with its last child
                    node.end_line = max(node.end_line, event.end_mark.line + 1)
                value, end, where = node, node.end_line, (node.line, node.column)
                if tag is not None and tag != "!":
                    value = self.tagged_collection(tag, node, event)
                if anchor is not None:
                    self.open_anchors.discard(anchor)
            elif cls is AliasEvent:
                name = event.anchor
                if name in self.open_anchors:
                    raise _error(f"recursive alias *{name}", event)
                if name not in self.anchors:
                    raise _error(f"alias *{name} has no anchor", event)
                value, size = self.anchors[name]
                self.alias_nodes += size
                if self.alias_nodes > MAX_ALIAS_NODES:
                    raise _error(f"aliases expand to more than {MAX_ALIAS_NODES} nodes", event)
                anchor, end = None, event.start_mark.line + 1
                where = (end, event.start_mark.column + 1)
            elif cls is DocumentEndEvent:
                return root
            else:  # pragma: no cover - the parser emits nothing else inside a document
                raise _error(f"unexpected {cls.__name__}", event)

            if anchor is not None:
                if anchor in self.anchors:
                    raise _error(f"duplicate anchor &{anchor}", event)
                self.anchors[anchor] = (value, size)

            if frame is None:
                root = "<<" if value is _MERGE else value  # only a key `<<` merges; elsewhere it is text
                event = get()
                continue
            parent = frame[0]
            if counting:
                frame[5] += size
            if end > parent.end_line:
                parent.end_line = end
            if parent.__class__ is Sequence:
                parent.append("<<" if value is _MERGE else value)
                parent.item_pos.append(where)
            elif frame[2] is _NOKEY:
                if value.__class__ is not str:
                    if value is None:
                        raise LoadError("a null key is not supported", *where)
                    if isinstance(value, (dict, list)):
                        raise LoadError("a mapping or sequence as a key is not supported", *where)
                frame[2], frame[3] = value, where
            else:
                key = frame[2]
                frame[2] = _NOKEY
                if value is _MERGE:
                    value = "<<"
                if key is _MERGE:
                    frame[6] = (frame[6] or []) + _merge_sources(value, event)
                else:
                    if key in parent:
                        first = parent.key_pos[key]
                        self.issues.append(
                            Issue(
                                frame[3][0],
                                frame[3][1],
                                f"duplicate key {key!r} (first on line {first[0]})",
                            )
                        )
                    parent[key] = value
                    parent.key_pos[key] = frame[3]
            event = get()

    def tagged_collection(self, tag: str, node: Any, event: Any) -> Any:
        if tag.startswith("!"):
            return _intrinsic(tag[1:], node, node)
        kind = tag[len(_YAML) :] if tag.startswith(_YAML) else None
        if kind in ("map", "omap", "pairs", "set", "seq"):
            return node
        raise _error(f"unsupported YAML tag {tag!r}", event)


_NOKEY = object()

# plain scalar texts that resolve to text (themselves): a pure function of the text, under the
# loader's fixed resolvers
_PLAIN_TEXT: dict[str, str] = {}
_PLAIN_TEXT_MAX = 1 << 16


def _intrinsic(name: str, operand: Any, where: Any) -> Mapping:
    """`!Name operand` in long form, positioned where the tag is."""
    if isinstance(where, (Mapping, Sequence)):
        line, column = where.line, where.column
        end = where.end_line
    else:
        line, column = where.start_mark.line + 1, where.start_mark.column + 1
        end = _end_line(where)
    key = TAG_FUNCTIONS.get(name, "Fn::" + name)
    node = Mapping(line, column)
    node.end_line = end
    node[key] = operand
    node.key_pos[key] = (line, column)
    return node


def _getatt(value: str, event: ScalarEvent) -> Sequence:
    """`!GetAtt Resource.Attribute.With.Dots` → ["Resource", "Attribute.With.Dots"]."""
    line, column = event.start_mark.line + 1, event.start_mark.column + 1
    parts = Sequence(line, column)
    parts.extend(value.split(".", 1))
    parts.item_pos = [(line, column)] * len(parts)
    return parts


def _end_line(event: Any) -> int:
    """Last line (1-based) a scalar occupies: block scalars end at column 0 of the next line."""
    start, end = event.start_mark, event.end_mark
    if end.column == 0 and end.line > start.line:
        return end.line
    return end.line + 1


def _merge_sources(value: Any, event: Any) -> list[Mapping]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return list(value)
    raise _error("a merge key (<<) needs a mapping or a list of mappings", event)


def _merge(node: Mapping, merges: list[Mapping]) -> None:
    """Apply `<<` merges as PyYAML does: own keys win, then earlier sources over later ones."""
    merged: dict[Any, Any] = {}
    positions: dict[Any, tuple[int, int]] = {}
    for source in reversed(merges):
        merged.update(source)
        positions.update(getattr(source, "key_pos", {}))
    own = dict(node)
    merged.update(own)
    positions.update(node.key_pos)
    node.clear()
    node.update(merged)
    node.key_pos = positions


def _error(message: str, event: Any) -> LoadError:
    mark = getattr(event, "start_mark", None)
    if mark is None:
        return LoadError(message)
    return LoadError(message, mark.line + 1, mark.column + 1)


def load(text: str) -> tuple[Any, list[Issue]]:
    """Parse a YAML document; return (data, issues) or raise `LoadError`.

    A leading byte-order mark is ignored. Every PyYAML failure (syntax, control characters,
    unencodable surrogates) becomes a `LoadError` with the best line and column known.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    loader = None
    try:
        loader = CfnLoader(text)
        return loader.build()
    except LoadError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        if "maximum nesting depth" in message:
            # libyaml (PyYAML >= 6.0.4 wheels) has its own bound; say it the way our own bound does
            message = f"nesting deeper than {MAX_DEPTH} levels"
        if mark is None:
            raise LoadError(message) from None
        raise LoadError(message, mark.line + 1, mark.column + 1) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        raise LoadError(f"unacceptable character #x{exc.character:04x}: {exc.reason}", line, column) from None
    except UnicodeError as exc:
        start = getattr(exc, "start", 0)
        line, column = _line_column(text, start if isinstance(start, int) else 0)
        raise LoadError(f"text cannot be encoded: {exc.reason}", line, column) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"invalid YAML: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _line_column(text: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(text)))
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
