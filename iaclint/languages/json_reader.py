"""JSON → positioned data, and the node types the positioned loaders share.

Read for CloudFormation JSON templates and for Terraform's JSON syntax (`*.tf.json`). The
loaders (this one and CloudFormation's `yaml_reader`) build the same tree:

- `Mapping` (a `dict`) and `Sequence` (a `list`) that also record where they and their
  children are written: `line`, `column`, `end_line`, and `key_pos` (key → (line, column) of the
  key) or `item_pos` (index → (line, column) of the item). Lines and columns are 1-based.
- plain scalars: `str`, `int`, `float`, `bool`, `None`.

Because the containers subclass `dict`/`list`, the tree compares equal to plain data. Duplicate
keys are not fatal: the last value wins and each repeat is returned as an `Issue`. Anything that
stops reading the document raises `LoadError` with the line and column of the fault.

This module imports nothing beyond the standard library; the JSON parser is a small recursive
descent over the stdlib scanners (`json.decoder.scanstring`, `json.scanner.NUMBER_RE`) so every
key and item keeps its offset. Nesting is bounded (`MAX_DEPTH`) so hostile input cannot reach
Python's recursion limit.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from operator import add
from json.decoder import scanstring
from json.scanner import NUMBER_RE
from typing import Any, NamedTuple

# Levels of nested mappings/sequences a template may have. Real templates stay below ~30
# (inline state machines, policies); the bound keeps every later recursive walk far from
# Python's recursion limit.
MAX_DEPTH = 200


class LoadError(Exception):
    """The document cannot be read at all (syntax error, hostile structure...)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.message = message
        self.line = line
        self.column = column


class Issue(NamedTuple):
    """Something wrong that does not stop reading (a duplicate key)."""

    line: int
    column: int
    message: str


class Mapping(dict):
    """A dict that remembers where it and each of its keys are written."""

    __slots__ = ("line", "column", "end_line", "key_pos")

    def __init__(self, line: int = 1, column: int = 1) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.end_line = line
        self.key_pos: dict[Any, tuple[int, int]] = {}


class Sequence(list):
    """A list that remembers where it and each of its items are written."""

    __slots__ = ("line", "column", "end_line", "item_pos")

    def __init__(self, line: int = 1, column: int = 1) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.end_line = line
        self.item_pos: list[tuple[int, int]] = []


def to_plain(value: Any) -> Any:
    """A copy made of plain dicts and lists (positions dropped)."""
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value


_NEWLINE = re.compile(r"\r\n|\r|\n")
_WS = re.compile(r"[ \t\n\r]*")
_WS_MATCH = _WS.match
_COLON_MATCH = re.compile(r"[ \t\n\r]*:[ \t\n\r]*").match
_SEP_MATCH = re.compile(r"[ \t\n\r]*([,}\]])[ \t\n\r]*").match


class _Lines:
    """Offset → (line, column), both 1-based, for one text."""

    def __init__(self, text: str) -> None:
        if "\r" in text:
            self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        else:  # the usual case, one C pass: line i starts after the lengths of lines < i and their i newlines
            lengths = accumulate(map(len, text.split("\n")), initial=0)
            self.starts = list(map(add, lengths, range(text.count("\n") + 1)))

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def load(text: str) -> tuple[Any, list[Issue]]:
    """Parse a JSON document; return (data, issues) or raise `LoadError`.

    A leading byte-order mark is ignored. Line and column numbers count characters of `text`.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    return _JsonParser(text).parse()


class _JsonParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _Lines(text)
        self.issues: list[Issue] = []

    def error(self, message: str, offset: int) -> LoadError:
        line, column = self.lines.at(min(offset, len(self.text)))
        return LoadError(message, line, column)

    def parse(self) -> tuple[Any, list[Issue]]:
        text = self.text
        idx = _WS_MATCH(text, 0).end()
        if idx >= len(text):
            raise self.error("empty JSON document", idx)
        value, idx = self.value(idx, 0)
        idx = _WS_MATCH(text, idx).end()
        if idx != len(text):
            raise self.error("extra data after the JSON document", idx)
        return value, self.issues

    def value(self, idx: int, depth: int) -> tuple[Any, int]:
        """Parse the value starting exactly at `idx`; return it and the offset after it."""
        text = self.text
        try:
            char = text[idx]
        except IndexError:
            raise self.error("expecting a value, found the end of the document", idx) from None
        if char == '"':
            return self.string(idx)
        if char == "{":
            return self.mapping(idx, depth + 1)
        if char == "[":
            return self.sequence(idx, depth + 1)
        if char == "n" and text.startswith("null", idx):
            return None, idx + 4
        if char == "t" and text.startswith("true", idx):
            return True, idx + 4
        if char == "f" and text.startswith("false", idx):
            return False, idx + 5
        match = NUMBER_RE.match(text, idx)
        if match is not None:
            integer, frac, exp = match.groups()
            if frac or exp:
                return float(integer + (frac or "") + (exp or "")), match.end()
            try:
                return int(integer), match.end()
            except ValueError:  # more digits than int() accepts: keep the literal
                return integer, match.end()
        for name, number in (("NaN", float("nan")), ("Infinity", float("inf")), ("-Infinity", float("-inf"))):
            if text.startswith(name, idx):
                return number, idx + len(name)
        raise self.error("expecting a value", idx)

    def string(self, idx: int) -> tuple[str, int]:
        try:
            return scanstring(self.text, idx + 1, True)
        except ValueError as exc:  # json.JSONDecodeError carries the offset
            raise self.error(getattr(exc, "msg", str(exc)), getattr(exc, "pos", idx)) from None

    # mapping() and sequence() run once per container and loop once per entry of every
    # template: the common case (a string key or value, one separator with its whitespace) is
    # taken in one regular-expression match each; anything else goes through value() and the
    # checks that name the fault.

    def mapping(self, start: int, depth: int) -> tuple[Mapping, int]:
        if depth > MAX_DEPTH:
            raise self.error(f"nesting deeper than {MAX_DEPTH} levels", start)
        text, starts = self.text, self.lines.starts
        line = bisect_right(starts, start)
        node = Mapping(line, start - starts[line - 1] + 1)
        key_pos = node.key_pos
        idx = _WS_MATCH(text, start + 1).end()
        if text[idx : idx + 1] == "}":
            node.end_line = bisect_right(starts, idx)
            return node, idx + 1
        while True:
            if text[idx : idx + 1] != '"':
                raise self.error("expecting a property name in double quotes", idx)
            line = bisect_right(starts, idx)
            where = (line, idx - starts[line - 1] + 1)
            key, idx = self.string(idx)
            colon = _COLON_MATCH(text, idx)
            if colon is None:
                raise self.error("expecting ':' after a property name", _WS_MATCH(text, idx).end())
            idx = colon.end()
            if text[idx : idx + 1] == '"':
                value, idx = self.string(idx)
            else:
                value, idx = self.value(idx, depth)
            if key in node:
                self.issues.append(
                    Issue(where[0], where[1], f"duplicate key {key!r} (first on line {key_pos[key][0]})")
                )
                del node[key]  # the last one wins, in its own place
            node[key] = value
            key_pos[key] = where
            sep = _SEP_MATCH(text, idx)
            char = sep.group(1) if sep is not None else None
            if char == "}":
                node.end_line = bisect_right(starts, sep.start(1))
                return node, sep.start(1) + 1
            if char != ",":
                raise self.error("expecting ',' or '}' in an object", _WS_MATCH(text, idx).end())
            idx = sep.end()

    def sequence(self, start: int, depth: int) -> tuple[Sequence, int]:
        if depth > MAX_DEPTH:
            raise self.error(f"nesting deeper than {MAX_DEPTH} levels", start)
        text, starts = self.text, self.lines.starts
        line = bisect_right(starts, start)
        node = Sequence(line, start - starts[line - 1] + 1)
        item_pos = node.item_pos
        idx = _WS_MATCH(text, start + 1).end()
        if text[idx : idx + 1] == "]":
            node.end_line = bisect_right(starts, idx)
            return node, idx + 1
        while True:
            line = bisect_right(starts, idx)
            item_pos.append((line, idx - starts[line - 1] + 1))
            if text[idx : idx + 1] == '"':
                value, idx = self.string(idx)
            else:
                value, idx = self.value(idx, depth)
            node.append(value)
            sep = _SEP_MATCH(text, idx)
            char = sep.group(1) if sep is not None else None
            if char == "]":
                node.end_line = bisect_right(starts, sep.start(1))
                return node, sep.start(1) + 1
            if char != ",":
                raise self.error("expecting ',' or ']' in an array", _WS_MATCH(text, idx).end())
            idx = sep.end()
