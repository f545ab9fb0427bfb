"""iaclint.digest gives hashlib's digests, whichever implementation it picks."""

from __future__ import annotations

import hashlib

import pytest

from iaclint.digest import LARGE, git_blob_id, hasher, sha1_digest


@pytest.mark.parametrize("size", [0, 1, 100, LARGE - 1, LARGE, LARGE + 7])
def test_digests_are_hashlibs(size):
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    assert sha1_digest(data) == hashlib.sha1(data).digest()
    assert git_blob_id(data) == hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    assert git_blob_id(data, 64) == hashlib.sha256(b"blob %d\0" % len(data) + data).hexdigest()
    for name in ("sha1", "sha256"):
        h = hasher(name, size)
        h.update(data)
        assert h.hexdigest() == hashlib.new(name, data).hexdigest()


def test_a_blob_id_is_gits(tmp_path):
    import subprocess

    path = tmp_path / "f"
    path.write_bytes(b"resource \"x\" \"y\" {}\n")
    out = subprocess.run(["git", "hash-object", str(path)], capture_output=True, text=True, check=True).stdout.strip()
    assert git_blob_id(path.read_bytes()) == out
