"""Bytes → text for every loader, failing with a one-line reason instead of a traceback."""

from __future__ import annotations


class DecodeError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def decode(raw: bytes) -> bytes:
    """Validated UTF-8 bytes without a BOM (tree-sitter wants bytes; YAML/JSON decode them)."""
    if b"\0" in raw[:8192] or b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        raise DecodeError("binary file (contains NUL bytes); not a text configuration file", line)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DecodeError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at line {line})", line) from None
    return raw


def decode_text(raw: bytes) -> str:
    return decode(raw).decode("utf-8")
