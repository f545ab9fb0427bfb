"""Bytes → text for every loader, failing with a one-line reason instead of a traceback.

A file that is not valid UTF-8 is still read (the bad bytes replaced) and the flaw reported:
one stray Latin-1 byte in a comment must not hide the resources around it. Only a binary
file (NUL bytes) is not read at all.
"""

from __future__ import annotations


class DecodeError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def decode_lenient(raw: bytes) -> tuple[bytes, tuple[str, int] | None]:
    """UTF-8 bytes without a BOM, invalid sequences replaced by U+FFFD, and (message, line) of
    the first invalid byte when there was one. Raises DecodeError for a binary file."""
    if b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        raise DecodeError("binary file (contains NUL bytes); not a text configuration file", line)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at line {line}); read with the invalid bytes replaced"
        return raw.decode("utf-8", "replace").encode("utf-8"), (message, line)
    return raw, None


def decode_text_lenient(raw: bytes) -> tuple[str, tuple[str, int] | None]:
    data, flaw = decode_lenient(raw)
    return data.decode("utf-8"), flaw
