"""Reading Go source out of a git directory, and a small Go lexer and expression parser.

Nothing here executes or compiles Go: files are read as text with `git ls-tree` and one
`git cat-file --batch` process, split into top-level declarations by gofmt's layout (a
declaration starts at column 0), and only the declarations a schema needs are tokenized.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field

# --------------------------------------------------------------------------- git


def list_tree(gitdir: str, rev: str) -> list[tuple[str, str]]:
    """(path, blob sha) of every file at `rev`."""
    out = subprocess.run(["git", "-C", gitdir, "ls-tree", "-r", "-z", rev],
                         check=True, capture_output=True).stdout.decode("utf-8", "replace")
    rows = []
    for entry in out.split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        _mode, kind, sha = meta.split()
        if kind == "blob":
            rows.append((path, sha))
    return rows


def read_blobs(gitdir: str, shas: list[str]) -> dict[str, bytes]:
    """Blob contents by sha, through one `git cat-file --batch` process."""
    if not shas:
        return {}
    proc = subprocess.Popen(["git", "-C", gitdir, "cat-file", "--batch"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    import threading

    def feed() -> None:
        assert proc.stdin is not None
        for s in shas:
            proc.stdin.write(s.encode() + b"\n")
        proc.stdin.close()

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    out: dict[str, bytes] = {}
    assert proc.stdout is not None
    for _ in shas:
        header = proc.stdout.readline().split()
        if len(header) < 3:
            continue
        size = int(header[2])
        out[header[0].decode()] = proc.stdout.read(size)
        proc.stdout.read(1)
    t.join()
    proc.wait()
    return out


def resolve_rev(gitdir: str, rev: str) -> str:
    return subprocess.run(["git", "-C", gitdir, "rev-parse", rev + "^{commit}"], check=True,
                          capture_output=True, text=True).stdout.strip()


# --------------------------------------------------------------------------- lexer

_TOKEN = re.compile(r"""
 (?P<nl>\n)
|(?P<ws>[ \t\r\f]+)
|(?P<comment>//[^\n]*|/\*.*?\*/)
|(?P<str>"(?:[^"\\\n]|\\.)*"|`[^`]*`)
|(?P<rune>'(?:[^'\\\n]|\\.)*')
|(?P<num>0[xXbBoO][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?i?|\.\d+)
|(?P<ident>[^\W\d]\w*)
|(?P<op>:=|\.\.\.|&&|\|\||<-|<<=|>>=|&\^=|[-+*/%&|^<>=!]=|<<|>>|&\^|\+\+|--|.)
""", re.S | re.X)

_SEMI_AFTER = {"ident", "str", "rune", "num"}
_SEMI_AFTER_OPS = {")", "]", "}", "++", "--"}
_SEMI_AFTER_KW = {"return", "break", "continue", "fallthrough"}
KEYWORDS = {"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for",
            "func", "go", "goto", "if", "import", "interface", "map", "package", "range", "return", "select",
            "struct", "switch", "type", "var"}


@dataclass(slots=True)
class Tok:
    kind: str  # ident str num rune op ;
    text: str


def tokenize(src: str) -> list[Tok]:
    toks: list[Tok] = []
    last: Tok | None = None
    for m in _TOKEN.finditer(src):
        kind = m.lastgroup
        text = m.group()
        if kind == "ws":
            continue
        if kind == "nl" or (kind == "comment" and "\n" in text):
            if last is not None and (
                (last.kind in _SEMI_AFTER and last.text not in KEYWORDS) or last.text in _SEMI_AFTER_KW
                or (last.kind == "op" and last.text in _SEMI_AFTER_OPS)
            ):
                last = Tok(";", ";")
                toks.append(last)
            continue
        if kind == "comment":
            continue
        last = Tok(kind, text)
        toks.append(last)
    return toks


def unquote(s: str) -> str:
    if s.startswith("`"):
        return s[1:-1]
    body = s[1:-1]
    if "\\" not in body:
        return body
    try:
        import ast
        return ast.literal_eval(s)
    except (ValueError, SyntaxError):
        return body


# --------------------------------------------------------------------------- declarations

_DECL_START = re.compile(r"^(?:func|var|const|type|import)[ (]", re.M)
_FUNC_HEAD = re.compile(r"func\s*(?:\(\s*(?:\w+\s+)?\*?\s*(\w+)(?:\[[^\]]*\])?\s*\)\s*)?(\w+)")
_IMPORT_LINE = re.compile(r'^\s*(?:(\w+|\.|_)\s+)?"([^"]+)"', re.M)
_PACKAGE = re.compile(r"^package\s+(\S+)", re.M)


@dataclass
class Decl:
    kind: str  # func | var | const | type
    name: str  # function/method name; for var/const blocks, "" (names in `names`)
    recv: str  # receiver type of a method, else ""
    text: str
    file: "GoFile"
    line: int
    comments: str = ""  # comment lines right above
    _toks: list[Tok] | None = None

    @property
    def toks(self) -> list[Tok]:
        if self._toks is None:
            self._toks = tokenize(self.text)
        return self._toks


@dataclass
class GoFile:
    path: str
    pkgdir: str
    package: str
    imports: dict[str, str]  # alias -> import path
    decls: list[Decl] = field(default_factory=list)


def split_file(path: str, text: str, pkgdir: str) -> GoFile:
    m = _PACKAGE.search(text)
    package = m.group(1).rsplit("/", 1)[-1] if m else ""
    imports: dict[str, str] = {}
    gf = GoFile(path, pkgdir, package, imports)
    starts = [m.start() for m in _DECL_START.finditer(text)]
    starts.append(len(text))
    for a, b in zip(starts, starts[1:]):
        chunk = text[a:b]
        line = text.count("\n", 0, a) + 1
        # comment lines immediately above
        above = text[max(0, a - 2000):a].split("\n")[:-1]
        com = []
        for ln in reversed(above):
            if ln.startswith("//"):
                com.append(ln)
            else:
                break
        comments = "\n".join(reversed(com))
        kw = chunk.split(None, 1)[0]
        if kw == "import":
            for im in _IMPORT_LINE.finditer(chunk[6:]):
                alias, ipath = im.group(1), im.group(2)
                if alias in ("_", "."):
                    continue
                imports[alias or _default_alias(ipath)] = ipath
            continue
        if kw == "func":
            fm = _FUNC_HEAD.match(chunk)
            if not fm:
                continue
            gf.decls.append(Decl("func", fm.group(2), fm.group(1) or "", chunk, gf, line, comments))
        else:
            gf.decls.append(Decl(kw, "", "", chunk, gf, line, comments))
    return gf


def _default_alias(ipath: str) -> str:
    last = ipath.rstrip("/").rsplit("/", 1)[-1]
    if re.fullmatch(r"v\d+", last) and "/" in ipath:
        last = ipath.rstrip("/").rsplit("/", 2)[-2]
    return last.replace("-", "_").removeprefix("go_")


# --------------------------------------------------------------------------- expressions
# AST nodes are tuples: ("str", s) ("num", x) ("id", name) ("sel", expr, name) ("call", fn, args)
# ("comp", typetext, elems[(key|None, val)]) ("unary", op, x) ("bin", op, l, r) ("funclit", toks)
# ("index", x, [idx]) ("opaque", text)


class ParseError(Exception):
    pass


class Parser:
    def __init__(self, toks: list[Tok], i: int = 0) -> None:
        self.t = toks
        self.i = i

    def peek(self, k: int = 0) -> Tok:
        j = self.i + k
        return self.t[j] if j < len(self.t) else Tok("eof", "")

    def next(self) -> Tok:
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.next()
        if tok.text != text:
            raise ParseError(f"expected {text!r}, got {tok.text!r}")

    def skip_balanced(self) -> int:
        """At an opening bracket: move past its match; return index after it."""
        pairs = {"(": ")", "[": "]", "{": "}"}
        depth = 0
        while self.i < len(self.t):
            tx = self.t[self.i].text
            if self.t[self.i].kind == "op":
                if tx in pairs:
                    depth += 1
                elif tx in (")", "]", "}"):
                    depth -= 1
                    if depth == 0:
                        self.i += 1
                        return self.i
            self.i += 1
        raise ParseError("unbalanced")

    # types ------------------------------------------------------------------
    def parse_type(self) -> str:
        tok = self.peek()
        if tok.text == "*":
            self.next()
            return "*" + self.parse_type()
        if tok.text == "[":
            self.next()
            if self.peek().text == "]":
                self.next()
                return "[]" + self.parse_type()
            start = self.i
            depth = 1
            while depth:
                x = self.next().text
                if x == "[":
                    depth += 1
                elif x == "]":
                    depth -= 1
            return "[" + "".join(t.text for t in self.t[start:self.i - 1]) + "]" + self.parse_type()
        if tok.text == "map":
            self.next()
            self.expect("[")
            k = self.parse_type()
            self.expect("]")
            return f"map[{k}]" + self.parse_type()
        if tok.text in ("struct", "interface"):
            self.next()
            start = self.i
            self.skip_balanced()
            return tok.text + "{" + " ".join(t.text for t in self.t[start + 1:self.i - 1]) + "}"
        if tok.text == "func":
            self.next()
            start = self.i
            self.skip_balanced()
            res = ""
            if self.peek().text == "(":
                self.skip_balanced()
            elif self.peek().kind == "ident" or self.peek().text in ("*", "["):
                res = self.parse_type()
            return "func" + res
        if tok.text == "chan":
            self.next()
            return "chan " + self.parse_type()
        if tok.kind == "ident":
            name = self.next().text
            while self.peek().text == "." and self.peek(1).kind == "ident":
                self.next()
                name += "." + self.next().text
            if self.peek().text == "[" and self.peek(1).text != "]":
                # generic instantiation
                start = self.i
                self.skip_balanced()
                name += "".join(t.text for t in self.t[start:self.i])
            return name
        raise ParseError(f"type expected at {tok.text!r}")

    # expressions --------------------------------------------------------------
    BINOPS = {"||", "&&", "==", "!=", "<", "<=", ">", ">=", "+", "-", "|", "^", "*", "/", "%", "<<", ">>", "&", "&^"}

    def parse_expr(self, no_comp: bool = False):
        left = self.parse_unary(no_comp)
        while self.peek().kind == "op" and self.peek().text in self.BINOPS:
            op = self.next().text
            right = self.parse_unary(no_comp)
            left = ("bin", op, left, right)
        return left

    def parse_unary(self, no_comp: bool = False):
        tok = self.peek()
        if tok.kind == "op" and tok.text in ("&", "*", "-", "+", "!", "^", "<-"):
            self.next()
            return ("unary", tok.text, self.parse_unary(no_comp))
        return self.parse_primary(no_comp)

    def parse_primary(self, no_comp: bool = False, elided_type: str = ""):
        tok = self.peek()
        if tok.kind == "str":
            self.next()
            x = ("str", unquote(tok.text))
        elif tok.kind == "num":
            self.next()
            x = ("num", tok.text)
        elif tok.kind == "rune":
            self.next()
            x = ("opaque", tok.text)
        elif tok.text == "func":
            start = self.i
            self.next()
            self.skip_balanced()  # params
            # results
            if self.peek().text == "(":
                self.skip_balanced()
            elif self.peek().text != "{":
                self.parse_type()
            if self.peek().text == "{":
                self.skip_balanced()
                x = ("funclit", self.t[start:self.i])
            else:
                x = ("opaque", "functype")
        elif tok.text == "(":
            self.next()
            inner = self.parse_expr()
            self.expect(")")
            x = inner
        elif tok.text in ("[", "map", "struct") or (tok.text == "{" and elided_type):
            typ = elided_type if tok.text == "{" else self.parse_type()
            if self.peek().text == "{":
                return self.parse_postfix(self.parse_comp(typ), no_comp)
            x = ("opaque", typ)
        elif tok.kind == "ident":
            self.next()
            x = ("id", tok.text)
        else:
            raise ParseError(f"unexpected {tok.text!r}")
        return self.parse_postfix(x, no_comp)

    def parse_postfix(self, x, no_comp: bool):
        while True:
            tok = self.peek()
            if tok.text == ".":
                self.next()
                nt = self.next()
                if nt.text == "(":  # type assertion
                    self.i -= 1
                    self.skip_balanced()
                    x = ("opaque", "assert")
                else:
                    x = ("sel", x, nt.text)
            elif tok.text == "(":
                self.next()
                args = []
                while self.peek().text != ")":
                    if self.peek().kind == "eof":
                        raise ParseError("eof in call")
                    try:
                        args.append(self.parse_expr())
                    except ParseError:
                        # a type argument (make(map[..]..), new(T)) or something odd
                        args.append(("opaque", self.parse_type()))
                    if self.peek().text == "...":
                        self.next()
                    if self.peek().text == ",":
                        self.next()
                    elif self.peek().text == ";":
                        self.next()
                self.next()
                x = ("call", x, args)
            elif tok.text == "[":
                self.next()
                idx = []
                while self.peek().text != "]":
                    if self.peek().text == ":":
                        self.next()
                        continue
                    try:
                        idx.append(self.parse_expr())
                    except ParseError:
                        idx.append(("opaque", self.parse_type()))
                    if self.peek().text == ",":
                        self.next()
                self.next()
                x = ("index", x, idx)
            elif tok.text == "{" and not no_comp and x[0] in ("id", "sel", "index"):
                x = self.parse_comp(_type_text(x))
            else:
                return x

    def parse_comp(self, typ: str):
        self.expect("{")
        elem_type = _elem_type(typ)
        elems = []
        while self.peek().text != "}":
            if self.peek().text == ";":
                self.next()
                continue
            if self.peek().kind == "eof":
                raise ParseError("eof in composite")
            key = None
            val = self._elem(elem_type if not typ.startswith("map[") else _map_key_type(typ))
            if self.peek().text == ":":
                self.next()
                key = val
                val = self._elem(elem_type)
            elems.append((key, val))
            if self.peek().text == ",":
                self.next()
        self.next()
        return ("comp", typ, elems)

    def _elem(self, elided: str):
        if self.peek().text == "{":
            return self.parse_primary(elided_type=elided or "?")
        if self.peek().text == "&" and self.peek(1).text == "{":
            self.next()
            return self.parse_primary(elided_type=elided.lstrip("*") or "?")
        return self.parse_expr()


def _type_text(x) -> str:
    if x[0] == "id":
        return x[1]
    if x[0] == "sel":
        return _type_text(x[1]) + "." + x[2]
    if x[0] == "index":
        return _type_text(x[1]) + "[...]"
    return "?"


def _elem_type(typ: str) -> str:
    if typ.startswith("[]"):
        return typ[2:].lstrip("*")
    if typ.startswith("map["):
        depth = 0
        for j, ch in enumerate(typ):
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
                if depth == 0:
                    return typ[j + 1:].lstrip("*")
    if typ.startswith("["):
        return typ[typ.index("]") + 1:].lstrip("*")
    return ""


def _map_key_type(typ: str) -> str:
    depth = 0
    for j, ch in enumerate(typ):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return typ[4:j]
    return ""


def split_statements(toks: list[Tok], start: int, end: int) -> list[tuple[int, int]]:
    """Top-level statements of a block's tokens [start, end) (split on ';' at depth 0)."""
    out = []
    depth = 0
    s = start
    for j in range(start, end):
        tx = toks[j].text
        k = toks[j].kind
        if k == "op" and tx in "([{":
            depth += 1
        elif k == "op" and tx in ")]}":
            depth -= 1
        elif k == ";" and depth == 0:
            if j > s:
                out.append((s, j))
            s = j + 1
    if end > s:
        out.append((s, end))
    return out


def func_body(decl: Decl) -> tuple[list[Tok], int, int] | None:
    """Tokens of a function declaration and the [start, end) of its body's inside."""
    toks = decl.toks
    p = Parser(toks)
    try:
        p.expect("func")
        if p.peek().text == "(":
            p.skip_balanced()
        p.next()  # name
        if p.peek().text == "[":
            p.skip_balanced()
        p.skip_balanced()  # params
        if p.peek().text == "(":
            p.skip_balanced()
        elif p.peek().text != "{":
            p.parse_type()
        if p.peek().text != "{":
            return None
        open_at = p.i
        p.skip_balanced()
        return toks, open_at + 1, p.i - 1
    except ParseError:
        return None


def func_params(decl: Decl) -> list[str]:
    toks = decl.toks
    p = Parser(toks)
    try:
        p.expect("func")
        if p.peek().text == "(":
            p.skip_balanced()
        p.next()
        if p.peek().text == "[":
            p.skip_balanced()
        start = p.i
        p.skip_balanced()
    except ParseError:
        return []
    names = []
    inner = toks[start + 1:p.i - 1]
    depth = 0
    expect_name = True
    for j, t in enumerate(inner):
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
        elif t.text == "," and depth == 0:
            expect_name = True
            continue
        if expect_name and depth == 0 and t.kind == "ident":
            names.append(t.text)
            expect_name = False
    return names
