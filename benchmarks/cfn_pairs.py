"""Build a corpus of real CloudFormation changes (template before → after) from git history.

Every commit of the given repositories that modified a template gives one pair: the file as it
was in the parent and as the commit left it. Pairs are taken in turn from each repository (so
one large repository does not make the whole corpus), skipping a pair unless both sides look
like templates and iaclint reads both without a fatal problem. Identical pairs are kept once.

    python benchmarks/cfn_pairs.py OUT GITDIR... [--pairs 500]

writes OUT/before/NNNN-name.ext and OUT/after/NNNN-name.ext (the text as committed, for
iaclint), and OUT/pairs.json: every pair as plain JSON data for cloudformation-diff (which
reads no YAML; its side is given already parsed, which is cheaper for it than our raw text).
A GITDIR is a bare or normal repository, e.g. one the library's `fetch` tool brought.

The corpus is other people's code: build it under /tmp, never commit it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUFFIXES = (".yaml", ".yml", ".json", ".template")


def modified_pairs(gitdir: Path) -> list[tuple[str, str, str]]:
    """(old blob, new blob, path) for every template-named file a commit modified, oldest first."""
    out = subprocess.run(
        ["git", "--git-dir", str(gitdir), "log", "--reverse", "--no-merges", "--diff-filter=M", "--raw",
         "--no-abbrev", "--format="],
        capture_output=True, text=True, check=True,
    ).stdout
    pairs, seen = [], set()
    for line in out.splitlines():
        if not line.startswith(":"):
            continue
        meta, _, path = line.partition("\t")
        fields = meta.split()
        old, new = fields[2], fields[3]
        if path.lower().endswith(SUFFIXES) and (old, new) not in seen:
            seen.add((old, new))
            pairs.append((old, new, path))
    return pairs


class Blobs:
    """One `git cat-file --batch` per repository."""

    def __init__(self, gitdir: Path) -> None:
        self.proc = subprocess.Popen(["git", "--git-dir", str(gitdir), "cat-file", "--batch"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def read(self, oid: str) -> bytes:
        self.proc.stdin.write(oid.encode() + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if len(header) < 3:
            return b""
        data = self.proc.stdout.read(int(header[2]) + 1)
        return data[:-1]

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def usable(text: str, path: str):
    """Plain data of a template iaclint reads without a fatal problem, else None."""
    from iaclint.languages.cloudformation.template import load_text, looks_like_template, parse_template
    from iaclint.languages.json_reader import to_plain

    if not looks_like_template(text) or parse_template(text, path, path).fatal:
        return None
    try:
        _, data, _ = load_text(text)
        plain = to_plain(data)
        json.dumps(plain)  # non-string keys (YAML `1: x`) would not survive the trip to node
    except Exception:  # noqa: BLE001 - a pair the peer cannot be given is left out
        return None
    return plain if isinstance(plain, dict) else None


def build(out: Path, gitdirs: list[Path], wanted: int) -> dict:
    queues = []
    for gitdir in gitdirs:
        queues.append((gitdir, modified_pairs(gitdir), Blobs(gitdir)))
    (out / "before").mkdir(parents=True, exist_ok=True)
    (out / "after").mkdir(parents=True, exist_ok=True)
    peer: list[dict] = []
    taken: dict[str, int] = {}
    nbytes = 0
    cursors = [0] * len(queues)
    while len(peer) < wanted and any(c < len(q[1]) for c, q in zip(cursors, queues, strict=True)):
        for i, (gitdir, pairs, blobs) in enumerate(queues):
            if len(peer) >= wanted or cursors[i] >= len(pairs):
                continue
            old, new, path = pairs[cursors[i]]
            cursors[i] += 1
            try:
                b_text = blobs.read(old).decode("utf-8")
                a_text = blobs.read(new).decode("utf-8")
            except UnicodeDecodeError:
                continue
            b_data, a_data = usable(b_text, path), usable(a_text, path)
            if b_data is None or a_data is None or b_text == a_text:
                continue
            name = f"{len(peer):04d}-{Path(path).name}"
            (out / "before" / name).write_text(b_text, encoding="utf-8")
            (out / "after" / name).write_text(a_text, encoding="utf-8")
            peer.append({"name": name, "before": b_data, "after": a_data})
            nbytes += len(b_text.encode()) + len(a_text.encode())
            repo = gitdir.parent.name if gitdir.name in ("repo", ".git") else gitdir.name
            taken[repo] = taken.get(repo, 0) + 1
    for _, _, blobs in queues:
        blobs.close()
    (out / "pairs.json").write_text(json.dumps(peer), encoding="utf-8")
    return {"pairs": len(peer), "bytes": nbytes, "by_repository": taken}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("gitdirs", nargs="+", type=Path)
    ap.add_argument("--pairs", type=int, default=500)
    args = ap.parse_args()
    summary = build(args.out, args.gitdirs, args.pairs)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
