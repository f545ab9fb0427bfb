"""`iaclint rules --pack`: what the knowledge packs cover, in the format asked, never cut short."""

from __future__ import annotations

import re

from conftest import run_cli

from iaclint.knowledge.packs import rules_dir


def _headers() -> dict[str, str]:
    out = {}
    for path in sorted(rules_dir().rglob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") and ("Generated" in line or "Hand-kept" in line):
                out[path.relative_to(rules_dir()).as_posix()] = line.lstrip("# ").strip()
                break
    return out


def test_markdown_is_a_markdown_table_with_every_source_whole():
    result = run_cli(["rules", "--pack", "--format", "markdown"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| pack |") and lines[1].startswith("| --- |")
    for pack, header in _headers().items():
        row = next(ln for ln in lines if ln.startswith(f"| `{pack}` |"))
        assert row.endswith(f"| {header.replace('|', chr(92) + '|')} |"), row


def test_text_keeps_whole_sentences():
    result = run_cli(["rules", "--pack"])
    assert result.exit_code == 0
    headers = _headers()
    for line in result.stdout.splitlines()[1:]:
        pack, source = line.split()[0], re.split(r"\s+\d+\s+\d+\s{2}", line, maxsplit=1)[1]
        assert headers[pack].startswith(source)
        assert source.endswith((".", "!", "?")), line  # a whole sentence, never cut in the middle
