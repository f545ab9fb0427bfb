"""sha1 and sha256 for small inputs without loading OpenSSL.

`import hashlib` loads OpenSSL's libcrypto (`_hashlib`), ~3 ms of a hook run that hashes only
small things: blob ids of ~600 small files, parse and cache keys. CPython's own modules
(`_sha1`, `_sha256`) give the same digests and load in a fraction of that; OpenSSL's are
faster per megabyte, so a large input (a multi-megabyte template) is still hashed by them.
"""

from __future__ import annotations

try:
    from _sha1 import sha1 as _small_sha1
    from _sha256 import sha256 as _small_sha256
except ImportError:  # a Python built without them: hashlib's
    _small_sha1 = _small_sha256 = None

LARGE = 1 << 20  # bytes from which OpenSSL's implementation is worth its loading


def hasher(name: str, size: int = 0):
    """A new, empty hash object for `name` ("sha1" or "sha256"), for about `size` bytes in all."""
    small = _small_sha1 if name == "sha1" else _small_sha256 if name == "sha256" else None
    if small is None or size >= LARGE:
        import hashlib

        return hashlib.new(name)
    return small()


def git_blob_id(data: bytes, hex_length: int = 40) -> str:
    """The id git gives `data` as a blob: sha1 (40 hex digits) or, in a sha256 repository, sha256 (64)."""
    h = hasher("sha1" if hex_length == 40 else "sha256", len(data))
    h.update(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


def sha1_digest(data: bytes) -> bytes:
    """sha1 of `data`, as 20 bytes."""
    h = hasher("sha1", len(data))
    h.update(data)
    return h.digest()
