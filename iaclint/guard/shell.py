"""A command line split the way a POSIX shell splits it, without expanding or running anything.

The result is a list of `Segment`s, one per simple command, joined by `;`, `&&`, `||`, `|`, `&`
or a newline, each with its words after quote removal (POSIX rules, as `shlex` in posix mode).
`shlex` alone is not enough for a guard: it reads `a#b` as a comment, does not see that
`$(...)`, backticks and `<(...)` run commands of their own, and knows no here-documents (which
`bash` or `psql` read as input). Those are handled here; redirections are dropped from the
words (a file name is not an argument).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DEPTH = 8  # substitutions inside substitutions: deeper is refused, not guessed

_REDIRECTS = ("<<<", "<<-", "&>>", "<<", ">>", "&>", ">&", "<&", ">|", "<>", ">", "<")
_OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")")


class ShellSyntaxError(ValueError):
    """The line cannot be read as a shell would read it (an unclosed quote, for one)."""


@dataclass
class Segment:
    words: list[str]
    text: str  # the simple command as written, for messages
    stdin: str | None = None  # a here-document's body or a here-string
    piped_from: "Segment | None" = None  # the command whose output this one reads (`a | b`)


def split(line: str, depth: int = 0) -> list[Segment]:
    """Every simple command of `line`, those inside substitutions first (they run first)."""
    if depth > MAX_DEPTH:
        raise ShellSyntaxError("commands are nested too deeply to read")
    return _Reader(line, depth).read()


class _Reader:
    def __init__(self, text: str, depth: int) -> None:
        self.s, self.i, self.depth = text, 0, depth
        self.out: list[Segment] = []
        self.words: list[str] = []
        self.word: list[str] | None = None
        self.start = 0
        self.redirect: str | None = None
        self.current = Segment([], "")
        self.previous: Segment | None = None
        self.piped = False
        self.heredocs: list[tuple[str, bool, Segment]] = []
        self.comment_at: int | None = None

    def read(self) -> list[Segment]:
        s, n = self.s, len(self.s)
        while self.i < n:
            c = s[self.i]
            if c in " \t\r":
                self._end_word()
                self.i += 1
            elif c == "\n":
                self._end_word()
                self._end_segment(";")
                self.i += 1
                self._heredoc_bodies()
            elif c == "#" and self.word is None:
                end = s.find("\n", self.i)
                self.comment_at = self.i  # a comment is no part of the command a message quotes
                self.i = n if end < 0 else end
            elif c == "\\":
                if s.startswith("\\\n", self.i):
                    self.i += 2
                    continue
                self._add(s[self.i + 1: self.i + 2])
                self.i += 2
            elif c == "'":
                end = s.find("'", self.i + 1)
                if end < 0:
                    raise ShellSyntaxError("a single quote is not closed")
                self._add(s[self.i + 1: end])
                self.i = end + 1
            elif c == '"':
                self._double_quoted()
            elif s.startswith("$'", self.i):
                self._ansi_quoted()
            elif s.startswith("$((", self.i):
                end = self._matching(self.i + 1)
                self._add(s[self.i: end + 1])
                self.i = end + 1
            elif s.startswith("$(", self.i):
                self.i = self._substitution(self.i + 1, self._add)
            elif c == "`":
                self.i = self._backtick(self.i, self._add)
            elif c in "<>" and s.startswith("(", self.i + 1) and self.word is None:
                self.i = self._substitution(self.i + 1, self._add)
            elif c in ";&|()<>":
                self._operator()
            else:
                self._add(c)
                self.i += 1
        self._end_word()
        self._end_segment(None)
        self._heredoc_bodies()
        return self.out

    # -- words

    def _add(self, text: str) -> None:
        if self.word is None:
            self.word = []
        self.word.append(text)

    def _end_word(self) -> None:
        if self.word is None:
            return
        word, self.word = "".join(self.word), None
        op, self.redirect = self.redirect, None
        if op is None:
            self.words.append(word)
        elif op in ("<<", "<<-"):
            self.heredocs.append((word, op == "<<-", self.current))
        elif op == "<<<":
            self.current.stdin = word

    def _double_quoted(self) -> None:
        s, i = self.s, self.i + 1
        buf: list[str] = []
        while True:
            if i >= len(s):
                raise ShellSyntaxError("a double quote is not closed")
            c = s[i]
            if c == '"':
                break
            if c == "\\" and i + 1 < len(s) and s[i + 1] in '$`"\\\n':
                if s[i + 1] != "\n":
                    buf.append(s[i + 1])
                i += 2
            elif s.startswith("$(", i) and not s.startswith("$((", i):
                i = self._substitution(i + 1, buf.append)
            elif c == "`":
                i = self._backtick(i, buf.append)
            else:
                buf.append(c)
                i += 1
        self._add("".join(buf))
        self.i = i + 1

    def _ansi_quoted(self) -> None:
        s, i = self.s, self.i + 2
        buf: list[str] = []
        escapes = {"n": "\n", "t": "\t", "'": "'", "\\": "\\", '"': '"'}
        while True:
            if i >= len(s):
                raise ShellSyntaxError("a $'...' quote is not closed")
            if s[i] == "'":
                break
            if s[i] == "\\" and i + 1 < len(s):
                buf.append(escapes.get(s[i + 1], "\\" + s[i + 1]))
                i += 2
            else:
                buf.append(s[i])
                i += 1
        self._add("".join(buf))
        self.i = i + 1

    # -- commands inside commands

    def _substitution(self, open_at: int, keep) -> int:
        """`$(...)` or `<(...)` at `open_at` (the parenthesis): its commands run too."""
        end = self._matching(open_at)
        self.out.extend(split(self.s[open_at + 1: end], self.depth + 1))
        keep(self.s[open_at - 1: end + 1])
        return end + 1

    def _backtick(self, at: int, keep) -> int:
        s, i = self.s, at + 1
        while i < len(s) and s[i] != "`":
            i += 2 if s[i] == "\\" else 1
        if i >= len(s):
            raise ShellSyntaxError("a backquote is not closed")
        self.out.extend(split(s[at + 1: i].replace("\\`", "`"), self.depth + 1))
        keep(s[at: i + 1])
        return i + 1

    def _matching(self, open_at: int) -> int:
        """The parenthesis that closes the one at `open_at`, quotes and nesting respected."""
        s, i, depth = self.s, open_at + 1, 1
        while i < len(s):
            c = s[i]
            if c == "\\":
                i += 2
                continue
            if c == "'":
                end = s.find("'", i + 1)
                if end < 0:
                    break
                i = end + 1
                continue
            if c == '"':
                i += 1
                while i < len(s) and s[i] != '"':
                    i += 2 if s[i] == "\\" else 1
                i += 1
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        raise ShellSyntaxError("a parenthesis is not closed")

    # -- operators and segments

    def _operator(self) -> None:
        s = self.s
        for op in _REDIRECTS:
            if s.startswith(op, self.i):
                if self.word is not None and "".join(self.word).isdigit():
                    self.word = None  # `2>`: the digits name a file descriptor
                else:
                    self._end_word()
                self.redirect = op
                self.i += len(op)
                return
        self._end_word()
        for op in _OPERATORS:
            if s.startswith(op, self.i):
                self.i += len(op)
                self._end_segment(op)
                return

    def _end_segment(self, op: str | None) -> None:
        seg = self.current
        seg.words = self.words
        end = self.i - (len(op) if op and op != ";" else 0)
        if self.comment_at is not None and self.start <= self.comment_at < end:
            end = self.comment_at
        seg.text = self.s[self.start: end].strip().rstrip(";&|").strip()
        if self.piped:
            seg.piped_from = self.previous
        if seg.words or seg.stdin is not None or any(h[2] is seg for h in self.heredocs):
            self.out.append(seg)
            self.previous = seg
        self.piped = op in ("|", "|&")
        self.words, self.current, self.start = [], Segment([], ""), self.i
        self.redirect, self.comment_at = None, None

    def _heredoc_bodies(self) -> None:
        s = self.s
        while self.heredocs:
            delimiter, strip_tabs, seg = self.heredocs.pop(0)
            lines: list[str] = []
            while self.i < len(s):
                end = s.find("\n", self.i)
                end = len(s) if end < 0 else end
                line = s[self.i: end]
                self.i = end + 1
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
                lines.append(line)
            seg.stdin = "\n".join(lines) + ("\n" if lines else "")
        self.start = min(self.i, len(s))
