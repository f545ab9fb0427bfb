"""Where each top-level section and each resource of a template is written, found without
parsing the template: the text spans a change is compared by.

Most edits to a large template touch a few resources. Comparing the text of each resource's
span on both sides tells which resources the edit cannot have changed, so only the rest need
the positioned reader (`paired.py`). The split is deliberately narrow: anything it is not sure
of (tabs, anchors, a flow-style Resources section, a key it cannot read, duplicate names)
returns None, and the template is read whole, as it always was.

YAML: top-level keys start in column 0; the resources are the keys at the first indentation
inside `Resources:`. A resource's span runs from its key (or the comment lines just above it)
to the next resource's span. JSON: spans come from the standard library's decoder, member by
member, so they are exact.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

# a key as the split accepts it: plain names (logical IDs, section names, `Fn::ForEach::X`)
# and simply quoted ones; anything fancier is left to the full reader
_KEY = r"""(?P<key>[A-Za-z0-9_][A-Za-z0-9_.:-]*?|"[^"\\\n]*"|'[^'\n]*')[ \t]*:(?=[ \t]|\r?$)"""
_TOP_KEY = re.compile(_KEY, re.MULTILINE)
_REST_EMPTY = re.compile(r"[ \t]*(?:#.*)?\r?$", re.MULTILINE)
# an anchor, an alias or a merge key makes one part of the text stand for another: a
# candidate here, then `_NODE_START` on what precedes it (plain text like "see *this*" is none)
_ANCHOR_OR_ALIAS = re.compile(r"[&*<](?<![^ \n\[{,<][&*<])(?:(?<=[&*])[\w-]|(?<=<)<[ ]*:)")
_NODE_START = re.compile(r"(?:^|[:\-\[{,?])[ ]*\Z")


@dataclass(frozen=True)
class Split:
    """Spans of one template's text: (start, end) character offsets, end exclusive. A YAML
    span is whole lines; a JSON member's span runs from its name to the end of its value."""

    format: str  # "yaml" | "json"
    sections: dict[str, tuple[int, int]]
    resources: dict[str, tuple[int, int]]
    keys: dict[str, int]  # where each resource's name is written
    body: tuple[int, int] | None = None  # JSON: the Resources object's braces
    top: tuple[int, int] | None = None  # JSON: the template object's braces


def split(text: str) -> Split | None:
    """The spans of `text` (a template with its BOM removed), or None when unsure."""
    if text.lstrip(" \t\r\n").startswith("{"):
        return _split_json(text)
    return _split_yaml(text)


def _unquote(key: str) -> str:
    return key[1:-1] if key[:1] in "\"'" else key


# lines found by the newline before them: a regular expression starting with `^` (MULTILINE)
# is tried at every character; one starting with a newline skips to the next (five times faster)
_TOP_LINE = re.compile(r"\n(?=[^ \r\n#])")
_FIRST_CONTENT = re.compile(r"^( *)[^ \r\n#]", re.MULTILINE)


def _top_lines(text: str):
    """Where each line that starts with neither a space nor a comment begins."""
    if text and text[0] not in " \r\n#":
        yield 0
    for found in _TOP_LINE.finditer(text):
        yield found.end()


def _anchor_or_alias(text: str) -> bool:
    """Whether the text has an anchor, an alias or a merge key where a node starts: each `&`,
    `*` and `<` found by `str.find` (an IAM policy has many `*`; a regular expression starting
    with a character class tried at every character took a third of the split), then held to
    `_ANCHOR_OR_ALIAS` and `_NODE_START`."""
    for mark in "&*<":
        at = text.find(mark)
        while at != -1:
            if (at == 0 or text[at - 1] in _BEFORE_MARK) and (
                    _AFTER_ANCHOR.match(text, at + 1) if mark != "<" else _AFTER_MERGE.match(text, at + 1)):
                line_start = text.rfind("\n", 0, at) + 1
                if _NODE_START.search(text, line_start, at):
                    return True
            at = text.find(mark, at + 1)
    return False


# what `_ANCHOR_OR_ALIAS` asks around a candidate, one character at a time
_BEFORE_MARK = frozenset(" \n[{,<")
_AFTER_ANCHOR = re.compile(r"[\w-]")
_AFTER_MERGE = re.compile(r"<[ ]*:")


def _split_yaml(text: str) -> Split | None:
    if _anchor_or_alias(text):
        return None
    sections: dict[str, tuple[int, int]] = {}
    current: str | None = None
    start = 0
    for at in _top_lines(text):
        if current is None and text.startswith("---", at) and (text[at + 3:at + 4] in ("\n", "") or text[at + 3:at + 5] == "\r\n"):
            continue  # the document's start marker, before any key
        match = _TOP_KEY.match(text, at)
        if match is None:
            return None  # a directive, a document marker, a flow mapping, a continuation: unsure
        if current is not None:
            sections[current] = (start, at)
        current = _unquote(match.group("key"))
        if current in sections:
            return None
        start = at
    if current is None:
        return None
    sections[current] = (start, len(text))
    if "Resources" not in sections:
        return None
    entries = _yaml_section_entries(text, *sections["Resources"])
    if entries is None:
        return None
    return Split("yaml", sections, *entries)


def _yaml_section_entries(text: str, start: int, end: int) -> tuple[dict[str, tuple[int, int]], dict[str, int]] | None:
    """The entries of the top-level section written from `start` to `end`, or None (a value
    on the key's line, `Section: {...}`, entries the split cannot read)."""
    rest = _REST_EMPTY.match(text, text.index(":", start) + 1)
    return None if rest is None else _yaml_entries(text, rest.end() + 1, end)


def _yaml_entries(text: str, first: int, last: int) -> tuple[dict[str, tuple[int, int]], dict[str, int]] | None:
    content = _FIRST_CONTENT.search(text, first, last)
    if content is None or not content.group(1):
        return None  # no entries, or entries in column 0
    indent = len(content.group(1))
    key_at = re.compile(" " * indent + _KEY, re.MULTILINE)
    # each line indented no deeper than the entries, found by the newline before it (`first`
    # starts a line: the newline before it is where the search starts)
    shallow = re.compile(r"\n {0,%d}(?=[^ \r\n])" % indent)
    begins: list[tuple[int, str]] = []
    keys: dict[str, int] = {}
    for found in shallow.finditer(text, first - 1, last):
        line_start, at = found.start() + 1, found.end()
        if text[at] == "#":
            continue
        if at - line_start != indent:
            return None
        match = key_at.match(text, line_start)
        if match is None:
            return None  # `- item`, `? key`, a continuation line: not a plain mapping entry
        name = _unquote(match.group("key"))
        if name in keys:
            return None
        keys[name] = at
        begins.append((_comments_above(text, line_start, first), name))
    out = {name: (begin, end) for (begin, name), (end, _) in zip(begins, begins[1:] + [(last, "")])}
    return (out, keys) if out else None


def _comments_above(text: str, line_start: int, floor: int) -> int:
    """Where the run of comment lines just above the line at `line_start` begins (the full
    reader gives a resource the comments written just above it)."""
    while line_start > floor:
        previous = text.rfind("\n", floor, line_start - 1) + 1
        if previous < floor or not text[previous:line_start].lstrip(" ").startswith("#"):
            break
        line_start = previous
    return line_start


def plain_entries(text: str, split: Split, section: str) -> bool:
    """Whether a top-level section is a mapping whose entries the split reads, each name once:
    what a paired read needs to leave the section unread (a duplicate name there is a flaw the
    reader reports, so such a section is read at once)."""
    start, end = split.sections[section]
    if split.format == "yaml":
        return _yaml_section_entries(text, start, end) is not None
    try:
        opening = _WS.match(text, text.index(":", text.index('"', start + 1) + 1) + 1).end()
        return text[opening] == "{" and _json_members(text, opening, json.JSONDecoder())[0] is not None
    except (ValueError, IndexError, RecursionError):
        return False


_WS = re.compile(r"[ \t\r\n]*")


def _split_json(text: str) -> Split | None:
    decoder = json.JSONDecoder()
    try:
        top = text.index("{")
        members, top_closing = _json_members(text, top, decoder)
        if text[top_closing + 1:].strip(" \t\r\n"):
            return None  # text after the document: not JSON (the full reader tries it as YAML)
        if members is None or "Resources" not in members:
            return None
        first, _ = members["Resources"]
        opening = _WS.match(text, text.index(":", first) + 1).end()
        if text[opening] != "{":
            return None
        resources, closing = _json_members(text, opening, decoder)
    except (ValueError, IndexError, RecursionError):  # the full reader says what is wrong
        return None
    if resources is None:
        return None
    keys = {name: start for name, (start, _) in resources.items()}
    return Split("json", members, resources, keys, (opening, closing), (top, top_closing))


def _json_members(text: str, opening: int, decoder: json.JSONDecoder):
    """name → (start, end) of each `"name": value` of the object opening at `opening`, and
    the offset of its closing brace; (None, _) on a duplicate name."""
    out: dict[str, tuple[int, int]] = {}
    at = _WS.match(text, opening + 1).end()
    if text[at] == "}":
        return out, at
    while True:
        if text[at] != '"':
            raise ValueError("a member without a name")
        key, after_key = decoder.raw_decode(text, at)
        colon = _WS.match(text, after_key).end()
        if text[colon] != ":":
            raise ValueError("a member without a colon")
        _, end = decoder.raw_decode(text, _WS.match(text, colon + 1).end())
        if key in out:
            return None, at
        out[key] = (at, end)
        at = _WS.match(text, end).end()
        if text[at] == "}":
            return out, at
        if text[at] != ",":
            raise ValueError("members without a comma")
        at = _WS.match(text, at + 1).end()
