"""Terraform's JSON syntax (`*.tf.json`, `*.tfvars.json`) → the same blocks and attributes as
native syntax, with the JSON file's positions.

A JSON file is written out as the native text it stands for and parsed by the one HCL
parser, so evaluation, `count`/`for_each`, overrides, `moved` and every rule work unchanged;
each native line remembers the JSON key it came from, and positions are mapped back. What the
JSON syntax leaves to the schema is decided the way Terraform's own JSON decoder does where it
can be known without one:

- strings are templates (`"${var.env}-db"`), except where Terraform reads them literally
  (a variable's `default`, `source`, `version`, every value of a `.tfvars.json`) or as a
  reference (`depends_on`, `provider`, `moved.from`, `lifecycle.ignore_changes`...);
- the meta blocks (`lifecycle`, `provisioner`, `connection`, `dynamic`) are known by name;
- a provider's nested block and an object-typed argument look alike in JSON (`"root_block_device":
  {...}` against `"tags": {...}`): an object, or a list of objects, whose keys are all names is
  read as nested blocks, except the few arguments known to be maps (`tags`...). The change
  model compares both the same way through their dotted paths, so the choice only decides
  whether reordering a list of objects counts (as for blocks, it does not).
- a `"//"` property is a comment, and is kept as one (suppressions work in JSON too).
"""

from __future__ import annotations

import json
import re
from typing import Any

from iaclint.core.model import Pos
from iaclint.languages import json_reader
from iaclint.languages.json_reader import LoadError, Mapping, Sequence
from iaclint.languages.terraform import hcl

# Labels each top-level block type takes (Terraform 1.11; `action`/`list` from 1.14).
_LABELS = {
    "resource": 2, "data": 2, "ephemeral": 2, "action": 2, "list": 2,
    "module": 1, "variable": 1, "output": 1, "provider": 1, "check": 1,
    "locals": 0, "terraform": 0, "moved": 0, "import": 0, "removed": 0,
}
# Object-typed arguments that are never nested blocks, whatever their keys look like.
_MAP_ARGUMENTS = {"tags", "tags_all", "labels", "annotations", "triggers", "triggers_replace", "input",
                  "variables", "environment_variables", "parameters", "metadata"}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
# A reference as Terraform reads it from a string: `aws_s3_bucket.logs`, `module.app.aws_x.y["k"]`, `tags["Name"]`
_REFERENCE = re.compile(r'[A-Za-z_][\w-]*(?:\.(?:[A-Za-z_][\w-]*|\*|\d+)|\[(?:"[^"\\\n]*"|\d+|\*)\])*\Z')
_TYPE = re.compile(r'[\w\s(){}\[\],="]*\Z')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}

# How each block type's arguments are read: "expr" (an expression: strings are templates),
# "literal", "ref", "refs" (a list of references), "type", or a nested block context.
_ARGUMENTS = {
    "resource": {"count": "expr", "for_each": "expr", "depends_on": "refs", "provider": "ref",
                 "lifecycle": "block:lifecycle", "connection": "block:generic",
                 "provisioner": "labeled:generic", "dynamic": "labeled:dynamic"},
    "generic": {"dynamic": "labeled:dynamic"},
    "dynamic": {"for_each": "expr", "iterator": "ref", "labels": "expr", "content": "block:generic"},
    "lifecycle": {"ignore_changes": "refs", "replace_triggered_by": "refs", "create_before_destroy": "literal",
                  "prevent_destroy": "literal", "destroy": "literal", "precondition": "block:expr",
                  "postcondition": "block:expr"},
    "module": {"source": "literal", "version": "literal", "providers": "providers", "count": "expr",
               "for_each": "expr", "depends_on": "refs"},
    "variable": {"type": "type", "default": "literal", "description": "literal", "sensitive": "literal",
                 "nullable": "literal", "ephemeral": "literal", "validation": "block:expr"},
    "output": {"value": "expr", "depends_on": "refs", "description": "literal", "sensitive": "literal",
               "ephemeral": "literal", "precondition": "block:expr"},
    "terraform": {"required_providers": "block:literal", "backend": "labeled:literal", "cloud": "block:literal",
                  "experiments": "refs", "provider_meta": "labeled:literal"},
    "moved": {"from": "ref", "to": "ref"},
    "removed": {"from": "ref", "lifecycle": "block:lifecycle", "provisioner": "labeled:generic",
                "connection": "block:generic"},
    "import": {"to": "ref", "provider": "ref", "id": "expr", "for_each": "expr", "identity": "expr"},
}
# What an argument not named above is, per context.
_OTHERWISE = {"resource": "auto", "generic": "auto", "module": "expr", "locals": "expr",
              "output": "expr", "expr": "expr", "literal": "literal", "dynamic": "expr", "lifecycle": "expr",
              "variable": "literal", "terraform": "literal", "moved": "expr", "removed": "expr", "import": "expr",
              "check": "auto"}
_CONTEXT = {"resource": "resource", "data": "resource", "ephemeral": "resource", "action": "resource",
            "list": "resource", "provider": "resource", "module": "module", "variable": "variable",
            "output": "output", "locals": "locals", "terraform": "terraform", "moved": "moved",
            "removed": "removed", "import": "import", "check": "check"}


def parse(text: str, tfvars: bool = False) -> hcl.HclFile:
    """The blocks (or, for a `.tfvars.json`, the top-level values) of one JSON file, positioned
    in it. What Terraform would reject is in `errors`, as for native syntax."""
    try:
        data, issues = json_reader.load(text)
    except LoadError as exc:
        return hcl.HclFile(blocks=[], errors=[(Pos(exc.line, exc.column), f"invalid JSON: {exc.message}")])
    writer = _Writer()
    writer.errors += [(Pos(i.line, i.column), i.message) for i in issues]
    if not isinstance(data, Mapping):
        writer.errors.append((Pos(1), "a Terraform JSON file must hold one JSON object"))
    elif tfvars:
        writer.values(data)
    else:
        writer.top(data)
    parsed = hcl.parse("\n".join(writer.lines).encode("utf-8"))
    where = writer.where
    for b in parsed.blocks:
        _relocate(b, where)
    for name, attr in list(parsed.top_attributes.items()):
        parsed.top_attributes[name] = hcl.Attribute(name, attr.node, where[attr.pos.line - 1])
    parsed.comments = [(where[p.line - 1], c) for p, c in parsed.comments]
    # the writer's own findings first: they are about the JSON; the parser's, about what it became
    parsed.errors = writer.errors + [(where[min(p.line, len(where)) - 1] if where else Pos(1), m) for p, m in parsed.errors]
    return parsed


def _relocate(block: hcl.Block, where: list[Pos]) -> None:
    pos = where[block.pos.line - 1]
    block.pos, block.end_line = pos, pos.end_line or pos.line
    for attr in block.attributes.values():
        attr.pos = where[attr.pos.line - 1]
    for sub in block.blocks:
        _relocate(sub, where)


def _end(value: Any, line: int) -> int:
    return getattr(value, "end_line", line)


class _Writer:
    """Native text, one line per JSON member, and where in the JSON each line comes from."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.where: list[Pos] = []
        self.errors: list[tuple[Pos, str]] = []

    def emit(self, text: str, pos: Pos) -> None:
        self.lines.append(text)
        self.where.append(pos)

    def comment(self, value: Any, pos: Pos) -> None:
        text = value if isinstance(value, str) else json.dumps(value)
        self.emit("# " + " ".join(text.splitlines()), pos)

    def values(self, data: Mapping) -> None:
        for key, value in data.items():
            pos = _key_pos(data, key, value)
            if key == "//":
                self.comment(value, pos)
            elif not _IDENT.match(key):
                self.errors.append((pos, f"{key!r} is not a valid variable name"))
            else:
                self.emit(f"{key} = {_literal(value)}", pos)

    def top(self, data: Mapping) -> None:
        for key, value in data.items():
            pos = _key_pos(data, key, value)
            if key == "//":
                self.comment(value, pos)
            elif not _IDENT.match(key):
                self.errors.append((pos, f"unsupported block type {key!r}"))
            else:
                # an unknown type is written as a block: the loader rejects it as in native syntax
                self.blocks(key, _LABELS.get(key, 0), value, [], pos, _CONTEXT.get(key, "generic"))

    def blocks(self, btype: str, nlabels: int, value: Any, labels: list[str], pos: Pos, context: str) -> None:
        if isinstance(value, Sequence):
            for i, item in enumerate(value):
                line, column = value.item_pos[i]
                self.blocks(btype, nlabels, item, labels, Pos(line, column, _end(item, line)), context)
            return
        if not isinstance(value, Mapping):
            self.errors.append((pos, f"a {btype} block must be a JSON object, not {type(value).__name__}"))
            return
        if nlabels == 0:
            self.block(btype, labels, value, pos, context)
            return
        for label, sub in value.items():
            sub_pos = _key_pos(value, label, sub)
            if label == "//":
                self.comment(sub, sub_pos)
            else:
                self.blocks(btype, nlabels - 1, sub, labels + [label], sub_pos, context)

    def block(self, btype: str, labels: list[str], body: Mapping, pos: Pos, context: str) -> None:
        self.emit(" ".join([btype] + [_literal(label) for label in labels]) + " {", pos)
        for key, value in body.items():
            self.member(context, key, value, _key_pos(body, key, value))
        self.emit("}", Pos(pos.end_line or pos.line))

    def member(self, context: str, key: str, value: Any, pos: Pos) -> None:
        if key == "//":
            self.comment(value, pos)
            return
        if not _IDENT.match(key):
            self.errors.append((pos, f"{key!r} is not a valid argument or block name"))
            return
        kind = _ARGUMENTS.get(context, {}).get(key) or _OTHERWISE.get(context, "expr")
        if kind == "auto":
            kind = "block:generic" if key not in _MAP_ARGUMENTS and _block_shaped(value) else "expr"
        if kind.startswith("block:"):
            self.blocks(key, 0, value, [], pos, kind[6:])
        elif kind.startswith("labeled:"):
            self.blocks(key, 1, value, [], pos, kind[8:])
        else:
            text = self.argument(kind, value, pos)
            if text is not None:
                self.emit(f"{key} = {text}", pos)

    def argument(self, kind: str, value: Any, pos: Pos) -> str | None:
        if kind == "literal":
            return _literal(value)
        if kind == "ref":
            return self.reference(value, pos)
        if kind == "refs":
            if isinstance(value, str) and value == "all":
                return "all"  # lifecycle { ignore_changes = all }
            if not isinstance(value, list):
                self.errors.append((pos, "expected a list of references"))
                return None
            refs = [self.reference(v, pos) for v in value]
            return None if None in refs else "[" + ", ".join(refs) + "]"
        if kind == "providers":
            if not isinstance(value, dict):
                self.errors.append((pos, "expected an object of provider references"))
                return None
            pairs = [(self.reference(k, pos), self.reference(v, pos)) for k, v in value.items() if k != "//"]
            return None if any(None in p for p in pairs) else "{ " + ", ".join(f"{k} = {v}" for k, v in pairs) + " }"
        if kind == "type":
            if isinstance(value, str) and _TYPE.match(value):
                return value
            self.errors.append((pos, f"{_literal(value)} is not a type expression"))
            return None
        return _expression(value)

    def reference(self, value: Any, pos: Pos) -> str | None:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("${") and text.endswith("}"):
                text = text[2:-1].strip()  # the Terraform 0.11 form, still accepted
            if _REFERENCE.match(text):
                return text
        self.errors.append((pos, f"{_literal(value)} is not a reference"))
        return None


def _key_pos(mapping: Mapping, key: str, value: Any) -> Pos:
    line, column = mapping.key_pos.get(key, (mapping.line, mapping.column))
    return Pos(line, column, _end(value, line))


def _block_shaped(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    return bool(items) and all(isinstance(v, dict) and v and all(k == "//" or _IDENT.match(k) for k in v) for v in items)


def _expression(value: Any) -> str:
    if isinstance(value, str):
        return _template(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_template(k)} = {_expression(v)}" for k, v in value.items() if k != "//") + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_expression(v) for v in value) + "]"
    return _scalar(value)


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return '"' + _literal_text(_escaped(value)) + '"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)} = {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return _scalar(value)


def _literal_text(text: str) -> str:
    """`text` as a quoted string's content that reads back as itself: `${` and `%{` escaped as
    `$${` and `%%{`, and a `$` or `%` just before one written as `${"$"}` / `${"%"}`
    (tree-sitter-hcl misreads `"%%%{"` and `"$$${"`, which Terraform reads as `%%{`, `$${`)."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in "$%" and text[i + 1:i + 2] == "{":
            out.append(c + c + "{")
            i += 2
            continue
        if c in "$%" and text[i + 1:i + 2] in ("$", "%") and text[i + 2:i + 3] == "{":
            out.append('${"' + c + '"}')
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    return repr(value)


def _escaped(text: str) -> str:
    return "".join(_ESCAPES.get(c) or (c if c >= " " else f"\\u{ord(c):04x}") for c in text)


def _template(text: str) -> str:
    """A JSON string as the native quoted template it is: literal parts escaped, `${...}` and
    `%{...}` sequences kept as written (their inner quotes are expression syntax)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "$%" and text.startswith(c + c + "{", i):
            out.append(c + c + "{")
            i += 3
            continue
        if c in "$%" and text.startswith("{", i + 1):
            end = _closing(text, i + 2)
            # an unclosed sequence is written as is: the parser reports it, as Terraform would
            out.append(" ".join(text[i:end].splitlines()))
            i = end
            continue
        out.append(_escaped(c))
        i += 1
    return '"' + "".join(out) + '"'


def _closing(text: str, i: int) -> int:
    """The index just after the `}` that closes a template sequence opened before `i`."""
    depth, n = 1, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n
