"""HCL syntax → blocks and attributes with exact positions, via tree-sitter-hcl.

Values are not evaluated here: an attribute keeps its expression node, and the Terraform
loader evaluates it in a scope (variables, locals) later. tree-sitter was chosen over
python-hcl2 by measurement: ~40x faster, exact line/column for every node, and error
nodes for broken input instead of an exception.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable

from iaclint.core.model import Expr, Pos
from iaclint.core.record import FRESH, Record


@functools.lru_cache(maxsize=1)
def _parser():
    import tree_sitter_hcl
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_hcl.language()))


class Attribute(Record):
    """`name = expression` in a body."""

    name: str
    node: Any  # tree-sitter `expression` node
    pos: Pos

    def __init__(self, name: str, node: Any, pos: Pos) -> None:
        self.name = name
        self.node = node
        self.pos = pos


class Block(Record):
    """A block: its type, labels, attributes and nested blocks."""

    type: str
    labels: list[str]
    attributes: dict[str, Attribute]
    blocks: list["Block"]
    pos: Pos
    end_line: int

    def __init__(
        self,
        type: str,
        labels: list[str],
        attributes: dict[str, Attribute],
        blocks: list["Block"],
        pos: Pos,
        end_line: int,
    ) -> None:
        self.type = type
        self.labels = labels
        self.attributes = attributes
        self.blocks = blocks
        self.pos = pos
        self.end_line = end_line

    def block(self, type_: str) -> "Block | None":
        for b in self.blocks:
            if b.type == type_:
                return b
        return None


class HclFile(Record):
    """One file's blocks, syntax errors, comments and (.tfvars) top-level attributes."""

    blocks: list[Block]
    errors: list[tuple[Pos, str]]
    comments: list[tuple[Pos, str]]
    top_attributes: dict[str, Attribute]  # .tfvars files

    def __init__(
        self,
        blocks: list[Block],
        errors: list[tuple[Pos, str]] = FRESH,
        comments: list[tuple[Pos, str]] = FRESH,
        top_attributes: dict[str, Attribute] = FRESH,
    ) -> None:
        self.blocks = blocks
        self.errors = [] if errors is FRESH else errors
        self.comments = [] if comments is FRESH else comments
        self.top_attributes = {} if top_attributes is FRESH else top_attributes


def _pos(node) -> Pos:
    return Pos(node.start_point.row + 1, node.start_point.column + 1, node.end_point.row + 1)


def _label(node) -> str:
    if node.type == "identifier":
        return node.text.decode("utf-8", "replace")
    parts = [c.text.decode("utf-8", "replace") for c in node.children if c.type == "template_literal"]
    return "".join(parts)


def parse(data: bytes) -> HclFile:
    tree = _parser().parse(data)
    if tree.root_node.has_error and _BARE_EXPONENT.search(data):
        data, tree = _with_exponent_numbers(data, tree)
    root = tree.root_node
    out = HclFile(blocks=[])
    # Keep the tree alive as long as its nodes are in use.
    out._tree = tree  # type: ignore[attr-defined]
    if root.has_error:
        _collect_errors(root, out.errors)
    body = next((c for c in root.children if c.type == "body"), None)
    too_deep = _scan(root, out.comments, out.errors)
    if b"\r" in data:
        _lone_carriage_returns(data, root, out.errors)
    if out.errors:
        out.errors = _conflict_markers(data) or out.errors
    if body is not None and not too_deep:
        out.blocks = [_block(c) for c in body.children if c.type == "block"]
        for c in body.children:
            if c.type == "attribute":
                expr = next((x for x in c.children if x.type == "expression"), None)
                name = c.children[0].text.decode("utf-8", "replace")
                out.top_attributes[name] = Attribute(name, expr, _pos(c))
    return out


_LONE_CR = re.compile(rb"\r(?!\n)")


def _lone_carriage_returns(data: bytes, root, errors: list) -> None:
    """A carriage return not followed by a newline is an invalid character to Terraform (a file
    cut after its last `\r`); tree-sitter-hcl reads it as white space."""
    for m in _LONE_CR.finditer(data):
        node = root.descendant_for_byte_range(m.start(), m.end())
        if node is not None and node.type in ("comment", "template_literal", "heredoc_template"):
            continue
        row = data.count(b"\n", 0, m.start())
        errors.append((Pos(row + 1, m.start() - data.rfind(b"\n", 0, m.start())), "syntax error: a carriage return "
                       "not followed by a newline is not a valid character"))
        return


_CONFLICT_MARKER = re.compile(rb"^(<{7}|={7}|>{7}|\|{7})(?:[ \t].*)?\r?$", re.M)


def _conflict_markers(data: bytes) -> list[tuple[Pos, str]]:
    """An unresolved git merge conflict, said as such: the syntax errors it causes name some
    unrelated token. Only asked of a file that does not parse (a heredoc may hold `=======`)."""
    out = []
    for m in _CONFLICT_MARKER.finditer(data):
        line = data.count(b"\n", 0, m.start()) + 1
        marker = m.group(1).decode()
        out.append((Pos(line, 1, line), f"merge conflict marker `{marker}`: the file still holds an unresolved "
                                        f"merge conflict"))
    return out[:1] if out else []


# `1e3` is a valid HCL number, but tree-sitter-hcl only reads an exponent after a fraction
# (`1.0e3`), so a plain `threshold = 1e9` broke the whole file.
_BARE_EXPONENT = re.compile(rb"(?<![\w.$])(\d+)(?=[eE][+-]?\d+(?![\w.]))")


def _with_exponent_numbers(data: bytes, tree):
    """Re-parse with `.0` inserted into bare-exponent numbers; keep only the insertions that
    land inside a number (not in a string or comment). Lines stay where they were."""
    candidates = [m.end(1) for m in _BARE_EXPONENT.finditer(data)]
    for _ in range(2):
        patched = bytearray(data)
        for off in reversed(candidates):
            patched[off:off] = b".0"
        new_tree = _parser().parse(bytes(patched))
        kept = []
        for i, off in enumerate(candidates):
            node = new_tree.root_node.descendant_for_byte_range(off + 2 * i, off + 2 * i + 1)
            if node is not None and node.type == "numeric_lit":
                kept.append(off)
        if kept == candidates:
            return bytes(patched), new_tree
        candidates = kept
        if not candidates:
            break
    return data, tree


def _collect_errors(node, errors: list, limit: int = 20) -> None:
    stack = [node]
    while stack and len(errors) < limit:
        n = stack.pop()
        if n.is_missing:
            # tree-sitter puts a missing token where it gave up, often the end of the file; the
            # construct it would close (a heredoc opened by a `<<<<<<<` conflict marker, a string,
            # a call) starts where the mistake is.
            opened = n.parent
            while opened is not None and not opened.start_point < n.start_point:
                opened = opened.parent  # past wrappers that start where the token is missing (`block_end`)
            if opened is not None and opened.type in ("body", "config_file"):
                opened = None
            if opened is not None and opened.type == "block":
                # Terraform reports an unclosed block where it opens; it is also what other
                # mistakes inside it leave behind, so it comes after them (see _error_order).
                errors.append((_pos(opened), f"{_UNCLOSED_BLOCK}{_snippet(opened)} is not closed"))
                continue
            where = f" to close {_snippet(opened)}" if opened is not None else ""
            errors.append((_pos(opened or n), f"syntax error: missing {n.type}{where}"))
            continue
        if n.is_error:
            opener = _unclosed(n)
            if opener is not None:
                errors.append((_pos(opener), f"syntax error: `{opener.text.decode()}` is not closed"))
            else:
                errors.append((_pos(n), "syntax error: unexpected " + _snippet(n)))
            continue
        if n.has_error:
            stack.extend(reversed(n.children))
    errors.sort(key=_error_order)


# Inside these, an expression may span lines; elsewhere a newline ends it (in HCL, not in
# tree-sitter-hcl, which reads `var.` + newline + `x` as one reference).
_FREE_LINES = {"tuple", "object", "for_tuple_expr", "for_object_expr", "function_arguments",
               "template_interpolation", "template_expr", "heredoc_template", "quoted_template", "comment"}


def _bare_line_break(expr):
    """The first token of an expression that starts a new line outside any brackets, or None."""
    stack = [expr]
    while stack:
        node = stack.pop()
        prev_end = None
        depth = 0  # inside a `( ... )` or an index's `[ ... ]` among these children
        for c in node.children:
            if c.type == "comment":
                continue
            if c.type in ("(", "[", "{"):
                depth += 1
            elif c.type in (")", "]", "}"):
                depth = max(0, depth - 1)
                prev_end = c.end_point.row
                continue
            if depth:
                continue
            if prev_end is not None and c.start_point.row > prev_end:
                return c
            prev_end = c.end_point.row
            if c.type not in _FREE_LINES and c.end_point.row > c.start_point.row:
                stack.append(c)
    return None


_OPENERS = {"block_start": "}", "object_start": "}", "tuple_start": "]", "{": "}", "[": "]", "(": ")"}
_CLOSERS = {"block_end": "}", "object_end": "}", "tuple_end": "]", "}": "}", "]": "]", ")": ")"}


def _unclosed(error_node):
    """The bracket an ERROR node leaves open, if any: tree-sitter often wraps everything from
    the enclosing block (or the file's start) to the end in one ERROR, while the mistake is the
    `[` or `(` that never closes."""
    stack: list[tuple[str, Any]] = []
    for c in error_node.children:
        if c.type in _OPENERS:
            stack.append((_OPENERS[c.type], c))
        elif c.type in _CLOSERS:
            if stack and stack[-1][0] == _CLOSERS[c.type]:
                stack.pop()
            else:
                break
    if not stack:
        return None
    node = stack[-1][1]
    return node.children[0] if node.child_count else node


_UNCLOSED_BLOCK = "syntax error: block "


def _error_order(error: tuple) -> tuple:
    """The most specific error first: an unclosed block is usually a consequence of another one."""
    pos, message = error
    return (message.startswith(_UNCLOSED_BLOCK), pos.line, pos.column)


def _snippet(node) -> str:
    text = node.text.decode("utf-8", "replace").strip().splitlines()
    first = text[0] if text else ""
    return repr(first[:40]) if first else "end of input"


_TEMPLATE_SEQUENCE = re.compile(rb"(?<![$])[$][{]|(?<![%])%[{]")
MAX_DEPTH = 256  # syntax-tree levels; real configurations stay far below (a nested list level is ~4)


def _heredoc_opener_ends_its_line(node) -> bool:
    opener = next((c for c in node.children if c.type == "heredoc_identifier"), None)
    if opener is None:
        return True  # unterminated: reported as such
    rest = node.text[opener.end_byte - node.start_byte:]
    return rest.startswith((b"\n", b"\r\n"))


@functools.lru_cache(maxsize=1)
def _kinds() -> dict[str, int]:
    language = _parser().language
    names = ("comment", "template_literal", "block", "attribute", "object_elem", "string_lit", "quoted_template", "object",
             "heredoc_template")
    return {name: language.id_for_node_kind(name, True) for name in names}


_EMPTY_INTERPOLATION = re.compile(rb"(?<!\$)\$\{~?\s*~?\}")


# inside a quoted string, only these may span lines: an interpolation's expression and a
# directive's own `%{ ... }` parts
_MAY_SPAN_LINES = frozenset({"template_interpolation", "template_if_intro", "template_else_intro", "template_if_end",
                             "template_for_start", "template_for_end"})


def _newline_in_literal_text(node) -> bool:
    """A line break in a quoted string's own text (not inside `${ }` or a directive's `%{ }`)."""
    text = bytearray(node.text)
    base = node.start_byte
    stack = list(node.children)
    while stack:
        c = stack.pop()
        if c.type in _MAY_SPAN_LINES:
            text[c.start_byte - base:c.end_byte - base] = b" " * (c.end_byte - c.start_byte)
        else:
            stack.extend(c.children)
    return b"\n" in text


def _check_object(node, errors: list) -> None:
    """Elements of an object on one line need a comma between them (`{ a = 1 b = 2 }` is an error),
    and a comma belongs on the line of the element it ends."""
    previous = None
    comma = False
    for c in node.children:
        if c.type == "object_elem":
            if previous is not None and not comma and c.start_point.row == previous.end_point.row:
                errors.append((_pos(c), "syntax error: missing comma between object elements on one line"))
                return
            previous, comma = c, False
        elif c.type == ",":
            if previous is not None and c.start_point.row > previous.end_point.row:
                # HCL ends an object element at its newline: a comma starting the next line
                # is "Expected the start of an expression" to Terraform (a tuple allows it)
                errors.append((_pos(c), "syntax error: a comma at the start of a line in an object (an element ends at its newline)"))
                return
            comma = True


def _check_body(block, errors: list) -> None:
    """What HCL rejects in a block's body and tree-sitter-hcl accepts (as `terraform fmt` does):
    a one-line block with more than one argument or with a block in it, two items on one line,
    an argument written twice (the last would silently win: `deletion_protection = false` then
    `= true`)."""
    body = next((c for c in block.children if c.type == "body"), None)
    if body is None:
        return
    items = [c for c in body.children if c.type in ("attribute", "block")]
    end = next((c for c in block.children if c.type == "block_end"), None)
    if items and end is not None and end.start_point.row == block.start_point.row:
        if any(c.type == "block" for c in items):
            errors.append((_pos(block), "syntax error: a block on one line can hold one argument and no block"))
            return
        if len(items) > 1:
            errors.append((_pos(block), "syntax error: invalid single-argument block: a block on one line can hold one argument"))
            return
    elif items and end is not None:
        start = next((c for c in block.children if c.type == "block_start"), None)
        if start is not None and items[0].start_point.row == start.start_point.row:
            errors.append((_pos(items[0]), "syntax error: invalid single-argument block: an argument on the line of `{` "
                                           "needs its `}` on that line too"))
            return
        if items[-1].end_point.row == end.start_point.row:
            errors.append((_pos(end), "syntax error: missing newline before `}` (a block's closing brace goes on its own line)"))
            return
    _check_items(body, errors)


def _check_items(body, errors: list) -> None:
    items = [c for c in body.children if c.type in ("attribute", "block")]
    seen: dict[str, object] = {}
    previous = None
    for item in items:
        if previous is not None and item.start_point.row == previous.end_point.row:
            errors.append((_pos(item), "syntax error: missing newline after argument (two items on one line)"))
        previous = item
        if item.type == "attribute":
            name = item.children[0].text.decode("utf-8", "replace")
            if name in seen:
                errors.append((_pos(item), f"syntax error: attribute {name!r} redefined (first on line {seen[name].start_point.row + 1})"))
            else:
                seen[name] = item


def _scan(root, out: list, errors: list) -> bool:
    """One walk over every node: collect comments, report what tree-sitter-hcl lets through.

    Comments are extras: they can appear at any depth. tree-sitter-hcl is more lenient than
    HCL, so the same walk reports, where they start, what Terraform rejects and the grammar
    accepts: quoted strings that span lines (an unterminated string may otherwise parse
    cleanly, or fail lines later), newlines inside block headers, arguments and expressions,
    template sequences in labels. Blocks and values are read recursively, so a file nested
    deeper than MAX_DEPTH (5,000 `[`s) is reported instead of read; returns True then.
    """
    top = next((c for c in root.children if c.type == "body"), None)
    if top is not None:
        _check_items(top, errors)
    too_deep: list[Pos] = []
    parents: list = []  # the ancestors of the cursor's node; a cursor is ~5x faster than node.children
    k = _kinds()
    cursor = root.walk()
    while True:
        n = cursor.node
        kind = n.kind_id  # an int: comparing it is much cheaper than building `n.type`
        descend = True
        if len(parents) > MAX_DEPTH:
            too_deep.append(_pos(n))
            descend = False
        elif kind == k["comment"]:
            out.append((_pos(n), n.text.decode("utf-8", "replace")))
            descend = False
        elif kind == k["template_literal"]:
            parent_kind = parents[-1].kind_id if parents else None
            if parent_kind == k["string_lit"] and _TEMPLATE_SEQUENCE.search(n.text):
                # a label: tree-sitter-hcl keeps `${` as text there, Terraform rejects it
                errors.append((_pos(parents[-1]), "syntax error: template sequences (`${`, `%{`) are not allowed in a block label"))
        elif (kind == k["string_lit"] or kind == k["quoted_template"]) and n.end_point.row > n.start_point.row \
                and _newline_in_literal_text(n):
            # the line break may be in a literal, in a directive's body, or (`"wa` + newline + `"`)
            # between the literal and the closing quote, where no literal node holds it
            errors.append((_pos(n), "syntax error: unterminated string (a quoted string cannot span lines)"))
        elif kind == k["object"]:
            _check_object(n, errors)
        elif kind == k["heredoc_template"] and not _heredoc_opener_ends_its_line(n):
            # tree-sitter-hcl skips what follows `<<EOT` on its line; in HCL a newline must follow
            errors.append((_pos(n), "syntax error: a heredoc's opening marker (`<<EOT`) must end its line"))
        elif kind == k["quoted_template"] and _EMPTY_INTERPOLATION.search(n.text):
            errors.append((_pos(n), "syntax error: an empty interpolation `${}`"))
        elif kind == k["block"]:
            opening = next((c for c in n.children if c.type == "block_start"), None)
            if opening is not None and opening.start_point.row != n.start_point.row:
                # tree-sitter-hcl lets a block header span lines (`r` + newline + `esource "x" "y" {`
                # reads as a block of type `r`); in HCL the type, labels and `{` share one line
                errors.append((_pos(n), "syntax error: a block's type, labels and `{` must be on one line"))
            _check_body(n, errors)
        elif (kind == k["attribute"] or kind == k["object_elem"]) and n.child_count >= 3:
            # likewise an argument's (or object element's) name, `=` and the start of its value share one line
            name, eq, value = n.children[0], n.children[1], n.children[2]
            if not (name.start_point.row == eq.start_point.row == value.start_point.row):
                errors.append((_pos(n), "syntax error: an argument's name, `=` and value must start on one line"))
            elif value.end_point.row > value.start_point.row:
                broken_at = _bare_line_break(value)
                if broken_at is not None:
                    errors.append((_pos(broken_at), "syntax error: an expression continues on a new line outside brackets"))
        if descend and cursor.goto_first_child():
            parents.append(n)
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                break
            parents.pop()
        else:
            continue
        break
    out.sort(key=lambda c: c[0].line)
    if too_deep:
        first = min(too_deep, key=lambda p: (p.line, p.column))
        errors.append((first, f"nesting deeper than {MAX_DEPTH} syntax levels; iaclint does not read it"))
    errors.sort(key=_error_order)
    return bool(too_deep)


def _block(node) -> Block:
    type_ = ""
    labels: list[str] = []
    attrs: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for c in node.children:
        if c.type == "identifier" and not type_:
            type_ = c.text.decode("utf-8", "replace")
        elif c.type in ("string_lit", "identifier"):
            labels.append(_label(c))
        elif c.type == "body":
            for item in c.children:
                if item.type == "attribute":
                    name_node = item.children[0]
                    expr = next((x for x in item.children if x.type == "expression"), None)
                    name = name_node.text.decode("utf-8", "replace")
                    attrs[name] = Attribute(name, expr, _pos(item))
                elif item.type == "block":
                    blocks.append(_block(item))
    return Block(type_, labels, attrs, blocks, _pos(node), node.end_point.row + 1)


# ---------------------------------------------------------------- evaluation

Resolver = Callable[[list[str]], Any]  # ["var", "x"] -> value, or raises KeyError
_UNKNOWN = object()
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{")
_HEREDOC_ESCAPE_RE = re.compile(r"\$\$\{|%%\{")  # a heredoc has no backslash escapes


def _unescape(raw: str) -> str:
    def sub(m: re.Match) -> str:
        if m.group(1) is not None:
            esc = m.group(1)
            if len(esc) > 1:  # \uNNNN, \UNNNNNNNN
                try:
                    return chr(int(esc[1:], 16))
                except ValueError:
                    return m.group(0)
            return _ESCAPES.get(esc, m.group(0))
        return m.group(0)[1:]

    return _ESCAPE_RE.sub(sub, raw) if ("\\" in raw or "{" in raw) else raw


def evaluate(node, resolve: Resolver | None = None) -> Any:
    """Value of an expression node: a Python literal when it is one, else an `Expr`.

    References that `resolve` knows (variables, locals, module inputs) are substituted,
    so that changing a variable's default changes every value that uses it.
    """
    if node is None:
        return None
    value = _eval(node, resolve)
    if value is _UNKNOWN or value is _FAILED:
        return Expr(normalized_text(node, resolve))
    return value


def _eval(node, resolve: Resolver | None) -> Any:
    t = node.type
    if t == "expression":
        kids = [c for c in node.children if c.type != "comment"]
        if len(kids) == 1:
            return _eval(kids[0], resolve)
        if len(kids) == 3 and kids[0].type == "(" and kids[2].type == ")":
            return _eval(kids[1], resolve)
        if kids and kids[0].type == "variable_expr" and all(k.type in ("get_attr", "index", "splat") for k in kids[1:]):
            return _traverse(kids, resolve)
        if kids and kids[0].type in ("function_call", "collection_value", "for_expr") and all(
                k.type in ("get_attr", "index", "splat") for k in kids[1:]) and len(kids) > 1:
            return _apply(_eval(kids[0], resolve), kids[1:], resolve)
        return _UNKNOWN
    if t == "variable_expr":
        return _traverse([node], resolve)
    if t == "for_expr":
        return _eval_for(node, resolve)
    if t == "literal_value":
        return _eval(node.children[0], resolve)
    if t == "numeric_lit":
        text = node.text.decode()
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return _UNKNOWN
    if t == "bool_lit":
        return node.children[0].type == "true"
    if t == "null_lit":
        return None
    if t in ("string_lit", "quoted_template", "heredoc_template"):
        return _template(node, resolve)
    if t == "template_expr":
        return _eval(node.children[0], resolve)
    if t == "collection_value":
        return _eval(node.children[0], resolve)
    if t == "tuple":
        out = []
        for c in node.children:
            if c.type == "expression":
                out.append(evaluate(c, resolve))
        return out
    if t == "object":
        obj: dict[str, Any] = {}
        for c in node.children:
            if c.type != "object_elem":
                continue
            exprs = [x for x in c.children if x.type == "expression"]
            if len(exprs) != 2:
                return _UNKNOWN
            key = _object_key(exprs[0], resolve)
            if key is None:
                return _UNKNOWN
            obj[key] = evaluate(exprs[1], resolve)
        return obj
    if t == "operation":
        return _eval_operation(node.children[0], resolve)
    if t == "conditional":
        # Module code is full of `var.x != null ? a : b`: with the variable known, only the
        # chosen branch counts, so a refactor of the condition is not a change of the value.
        exprs = [c for c in node.children if c.type == "expression"]
        if len(exprs) != 3:
            return _UNKNOWN
        cond = _eval(exprs[0], resolve)
        if cond is True or cond is False:
            return evaluate(exprs[1] if cond else exprs[2], resolve)
        return _UNKNOWN
    if t == "function_call":
        return _eval_call(node, resolve)
    return _UNKNOWN


_BINARY_OPS = {"==", "!=", "&&", "||", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"}


def _eval_parts(parts: list, resolve: Resolver | None) -> Any:
    """An operand of an operator: tree-sitter-hcl leaves it as sibling nodes, not one expression."""
    parts = [p for p in parts if p.type != "comment"]
    if len(parts) == 3 and parts[0].type == "(" and parts[2].type == ")":
        return _eval(parts[1], resolve)
    if len(parts) == 1:
        return _eval(parts[0], resolve)
    if parts and parts[0].type == "variable_expr" and all(k.type == "get_attr" for k in parts[1:]):
        if resolve is None:
            return _UNKNOWN
        ref = [parts[0].text.decode()] + [k.children[-1].text.decode() for k in parts[1:]]
        try:
            return resolve(ref)
        except KeyError:
            return _UNKNOWN
    return _UNKNOWN


def _known(v: Any) -> bool:
    return v is not _UNKNOWN and v is not _FAILED and not isinstance(v, Expr) and not (
        isinstance(v, (list, dict)) and any(not _known(x) for x in (v.values() if isinstance(v, dict) else v))
    )


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _eval_operation(op_node, resolve: Resolver | None) -> Any:
    kids = [c for c in op_node.children if c.type != "comment"]
    if op_node.type == "unary_operation" and kids:
        v = _eval_parts(kids[1:], resolve)
        if kids[0].type == "-" and _number(v):
            return -v
        if kids[0].type == "!" and isinstance(v, bool):
            return not v
        return _UNKNOWN
    if op_node.type != "binary_operation":
        return _UNKNOWN
    idx = next((i for i, k in enumerate(kids) if i > 0 and k.type in _BINARY_OPS and k.child_count == 0), None)
    if idx is None:
        return _UNKNOWN
    op = kids[idx].type
    left = _eval_parts(kids[:idx], resolve)
    right = _eval_parts(kids[idx + 1 :], resolve)
    if op == "&&":
        if left is False or right is False:
            return False
        return True if left is True and right is True else _UNKNOWN
    if op == "||":
        if left is True or right is True:
            return True
        return False if left is False and right is False else _UNKNOWN
    if not (_known(left) and _known(right)):
        return _UNKNOWN
    if op in ("==", "!="):
        # HCL equality is typed: 1 == "1" and true == 1 are false
        same = type(left) is type(right) and left == right
        if _number(left) and _number(right):
            same = left == right
        return same if op == "==" else not same
    if not (_number(left) and _number(right)):
        return _UNKNOWN
    try:
        return {
            "<": lambda: left < right, ">": lambda: left > right, "<=": lambda: left <= right,
            ">=": lambda: left >= right, "+": lambda: left + right, "-": lambda: left - right,
            "*": lambda: left * right, "/": lambda: left / right, "%": lambda: left % right,
        }[op]()
    except (ZeroDivisionError, OverflowError):
        return _UNKNOWN


_TEMPLATE_MARKERS = ("quoted_template_start", "quoted_template_end", "heredoc_start", "heredoc_identifier", "template_literal")


def _template(node, resolve: Resolver | None) -> Any:
    """A quoted string or heredoc, read from the source bytes between its delimiters.

    tree-sitter's `template_literal` nodes leave out the whitespace at their edges (after the
    opening quote, around `${...}`, at the start of heredoc lines), and that whitespace is part
    of the value. A heredoc keeps its final newline and, opened with `<<-`, loses the smallest
    indentation of its non-blank lines, as in Terraform.
    """
    sole = _sole_interpolation(node)
    if sole is not None:
        return _eval(sole, resolve)
    src, base = node.text, node.start_byte
    kids = node.children
    heredoc = node.type == "heredoc_template"
    if heredoc:
        idents = [c for c in kids if c.type == "heredoc_identifier"]
        if len(idents) < 2 or idents[-1].is_missing:
            return _UNKNOWN  # unterminated: reported as a syntax error
        nl = src.find(b"\n", idents[0].end_byte - base)
        closing = idents[-1].start_byte - base
        if nl == -1 or nl >= closing:
            return _UNKNOWN
        start = nl + 1
        end = src.rfind(b"\n", 0, closing) + 1  # the closing marker's line is not content
        end = max(end, start)
    else:
        opening = next((c for c in kids if c.type == "quoted_template_start"), None)
        closing_node = next((c for c in kids if c.type == "quoted_template_end"), None)
        start = opening.end_byte - base if opening is not None else 0
        end = closing_node.start_byte - base if closing_node is not None and not closing_node.is_missing else len(src)
    texts: list[str] = []
    values: list[str] = []
    pos = start
    for c in kids:
        if c.type in _TEMPLATE_MARKERS:
            continue
        if c.type != "template_interpolation":
            return _UNKNOWN  # %{ if }/%{ for } directives
        inner = next((x for x in c.children if x.type == "expression"), None)
        v = _eval(inner, resolve) if inner is not None else _UNKNOWN
        if v is _UNKNOWN or isinstance(v, (dict, list, Expr)):
            return _UNKNOWN
        texts.append(src[pos : c.start_byte - base].decode("utf-8", "replace"))
        values.append(_to_str(v))
        pos = c.end_byte - base
    texts.append(src[pos:end].decode("utf-8", "replace"))
    if not heredoc:
        return "".join(_unescape(x) + (values[i] if i < len(values) else "") for i, x in enumerate(texts))
    # A NUL stands in for each interpolation while indentation is measured: it counts as text,
    # as a `${...}` at the start of a line does in Terraform. Decoded files have no NUL bytes.
    text = "\0".join(_HEREDOC_ESCAPE_RE.sub(lambda m: m.group(0)[1:], x) for x in texts)
    if src.startswith(b"<<-"):
        text = _dedent(text)
    for v in values:
        text = text.replace("\0", v, 1)
    return text


def _sole_interpolation(node):
    """The expression of `"${x}"`: a quoted template that is one interpolation and nothing else.
    Terraform evaluates it to x itself, unconverted, so `"${var.id}"` and `var.id` are the same."""
    if node.type != "quoted_template" or node.child_count != 3:
        return None
    first, interp, last = node.children
    if interp.type != "template_interpolation" or first.end_byte != interp.start_byte or interp.end_byte != last.start_byte:
        return None
    return next((x for x in interp.children if x.type == "expression"), None)


def _dedent(text: str) -> str:
    lines = text.split("\n")
    indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip(" \t\r")]
    cut = min(indents, default=0)
    return "\n".join(ln[min(cut, len(ln) - len(ln.lstrip(" \t"))):] for ln in lines)


def _eval_call(node, resolve) -> Any:
    """A built-in function on arguments that are all known (`functions.py`); `try` and `can`
    take the first argument that does not fail, as Terraform does."""
    from iaclint.languages.terraform import functions

    name = node.children[0].text.decode()
    args_node = next((c for c in node.children if c.type == "function_arguments"), None)
    arg_nodes = [c for c in args_node.children if c.type == "expression"] if args_node is not None else []
    if args_node is not None and any(c.type == "..." for c in args_node.children):
        return _UNKNOWN  # an expanded argument list
    if name in ("try", "can"):
        for arg in arg_nodes:
            value = _eval_strict(arg, resolve)
            if value is _FAILED:
                if name == "can":
                    return False
                continue
            if not _known(value):
                return _UNKNOWN  # it may fail or not: which argument wins cannot be known
            return True if name == "can" else value
        return _UNKNOWN
    if name not in functions.FUNCTIONS:
        return _UNKNOWN
    args = []
    for arg in arg_nodes:
        value = _eval(arg, resolve)
        if not _known(value):
            if name == "coalesce" and not args and value is not _UNKNOWN:
                return _UNKNOWN
            return _UNKNOWN
        args.append(value)
    try:
        return functions.call(name, args)
    except functions.Unknown:
        return _UNKNOWN
    except functions.Failed:
        return _FAILED if _STRICT[-1] else _UNKNOWN


_FAILED = object()  # Terraform itself would fail here: only `try`/`can` look at it
_STRICT = [False]  # inside a `try`/`can` argument: failures are reported, not made unknown


def _eval_strict(node, resolve) -> Any:
    _STRICT.append(True)
    try:
        return _eval(node, resolve)
    finally:
        _STRICT.pop()


def _failed() -> Any:
    return _FAILED if _STRICT[-1] else _UNKNOWN


def _traverse(kids: list, resolve) -> Any:
    """`var.x["k"].y[0]`, `local.l[*].id`, a `for` variable: a reference and what follows it."""
    head = kids[0].text.decode()
    ops = kids[1:]
    if resolve is None:
        return _UNKNOWN
    if head in ("var", "local"):
        if not ops or ops[0].type != "get_attr":
            return _UNKNOWN
        ref = [head, ops[0].children[-1].text.decode()]
        ops = ops[1:]
    else:
        ref = [head]
    try:
        value = resolve(ref)
    except KeyError:
        return _UNKNOWN
    return _apply(value, ops, resolve)


def _apply(value: Any, ops: list, resolve) -> Any:
    for i, op in enumerate(ops):
        if isinstance(value, Expr):
            return _UNKNOWN
        if op.type == "get_attr":
            key = op.children[-1].text.decode()
            if not isinstance(value, dict):
                return _failed() if value is None or isinstance(value, (str, int, float, bool, list)) else _UNKNOWN
            if key not in value:
                return _failed()
            value = value[key]
        elif op.type == "index":
            inner = op.children[0]
            if inner.type == "legacy_index":
                key: Any = int(inner.text.decode().lstrip("."))
            else:
                expr = next((c for c in inner.children if c.type == "expression"), None)
                key = _eval(expr, resolve) if expr is not None else _UNKNOWN
                if not _known(key):
                    return _UNKNOWN
            if isinstance(value, list):
                if isinstance(key, bool) or not isinstance(key, (int, float, str)):
                    return _UNKNOWN
                try:
                    index = int(key)
                except ValueError:
                    return _failed()
                if not 0 <= index < len(value):
                    return _failed()
                value = value[index]
            elif isinstance(value, dict):
                k = _to_str(key)
                if k not in value:
                    return _failed()
                value = value[k]
            else:
                return _failed() if value is None else _UNKNOWN
        elif op.type == "splat":
            splat = op.children[0]
            rest = [c for c in splat.children if c.type in ("get_attr", "index")]
            if splat.type == "attr_splat" and any(c.type == "index" for c in rest):
                return _UNKNOWN  # legacy splat stops at an index: rare, not modelled
            items = value if isinstance(value, list) else ([] if value is None else [value])
            out = []
            for item in items:
                v = _apply(item, rest, resolve)
                if v is _UNKNOWN or v is _FAILED:
                    return v
                out.append(v)
            value = out
            if ops[i + 1:]:
                return _apply(value, ops[i + 1:], resolve)
            return value
        else:
            return _UNKNOWN
    if isinstance(value, Expr):
        return _UNKNOWN
    return value


def _eval_for(node, resolve) -> Any:
    """`[for x in xs : f(x) if c]` and `{for k, v in m : k => v}` over a known collection."""
    inner = node.children[0]
    intro = next((c for c in inner.children if c.type == "for_intro"), None)
    if intro is None:
        return _UNKNOWN
    names = [c.text.decode() for c in intro.children if c.type == "identifier"]
    source_node = next((c for c in intro.children if c.type == "expression"), None)
    source = _eval(source_node, resolve) if source_node is not None else _UNKNOWN
    if not _known(source) or not isinstance(source, (list, dict)):
        return _UNKNOWN
    exprs = [c for c in inner.children if c.type == "expression"]
    cond = next((c for c in inner.children if c.type == "for_cond"), None)
    cond_expr = next((c for c in cond.children if c.type == "expression"), None) if cond is not None else None
    grouped = any(c.type == "ellipsis" for c in inner.children)
    pairs = list(source.items()) if isinstance(source, dict) else list(enumerate(source))
    is_object = inner.type == "for_object_expr"
    out_list: list = []
    out_map: dict = {}
    for key, val in pairs:
        bound = {names[0]: val} if len(names) == 1 else {names[0]: key, names[1]: val}

        def scoped(ref, bound=bound):
            if ref[0] in bound:
                value = bound[ref[0]]
                for part in ref[1:]:
                    if not isinstance(value, dict) or part not in value:
                        raise KeyError(part)
                    value = value[part]
                return value
            if resolve is None:
                raise KeyError(ref[0])
            return resolve(ref)

        if cond_expr is not None:
            ok = _eval(cond_expr, scoped)
            if not isinstance(ok, bool):
                return _UNKNOWN
            if not ok:
                continue
        if is_object:
            if len(exprs) != 2 or grouped:
                return _UNKNOWN
            k = _eval(exprs[0], scoped)
            v = _eval(exprs[1], scoped)
            if not _known(k) or not _known(v) or isinstance(k, (list, dict)) or _to_str(k) in out_map:
                return _UNKNOWN
            out_map[_to_str(k)] = v
        else:
            if len(exprs) != 1:
                return _UNKNOWN
            v = _eval(exprs[0], scoped)
            if not _known(v):
                return _UNKNOWN
            out_list.append(v)
    return out_map if is_object else out_list


def _object_key(node, resolve) -> str | None:
    kids = [c for c in node.children if c.type != "comment"]
    if len(kids) == 1 and kids[0].type == "variable_expr":
        return kids[0].text.decode("utf-8", "replace")  # bare identifier key
    v = _eval(node, resolve)
    if isinstance(v, (str, int, float, bool)):
        return _to_str(v)
    return None


def _to_str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# A value whose source says nothing more than the value itself
_PLAIN_LITERAL = re.compile(rb'"[^"\\$%\n]*"|-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null')


def written(node) -> str | None:
    """The expression exactly as written (the source's bytes for its range), or None when it is
    a plain literal: a reviewer reads `"${var.env}-queue"`, not the parser's tokens."""
    if node is None:
        return None
    text = node.text.strip()  # matched as bytes: most values are literals, never decoded
    return None if _PLAIN_LITERAL.fullmatch(text) else text.decode("utf-8", "replace")


def normalized_text(node, resolve: Resolver | None = None) -> str:
    """The expression's tokens joined by single spaces: formatting and comments do not count.

    A reference the resolver knows is replaced by its value, so `length(var.x)` changes when
    var.x's default does.
    """
    out: list[str] = []
    _tokens(node, resolve, out)
    return " ".join(out)


def _tokens(node, resolve, out: list[str]) -> None:
    kind = node.type  # read once: every attribute of a tree-sitter node is a call (hot path)
    if kind == "comment":
        return
    if kind == "expression" and resolve is not None:
        kids = [c for c in node.children if c.type != "comment"]
        if kids and kids[0].type == "variable_expr" and len(kids) > 1 and all(k.type == "get_attr" for k in kids[1:]):
            ref = [kids[0].text.decode()] + [k.children[-1].text.decode() for k in kids[1:]]
            if ref[0] in ("var", "local"):
                try:
                    value = resolve(ref)
                except KeyError:
                    value = _UNKNOWN
                if value is not _UNKNOWN:
                    out.append(_literal_repr(value))
                    return
    if kind == "quoted_template":
        sole = _sole_interpolation(node)
        if sole is not None:
            _tokens(sole, resolve, out)
            return
    children = node.children
    if not children:
        out.append(node.text.decode("utf-8", "replace"))
        return
    for c in children:
        _tokens(c, resolve, out)


def _literal_repr(value: Any) -> str:
    import json

    if isinstance(value, Expr):
        return "(" + value.text + ")"
    try:
        return json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(value)
