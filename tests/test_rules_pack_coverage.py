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
    table = result.stdout.split("\n\n", 1)[0]
    for line in table.splitlines()[1:]:
        pack, source = line.split()[0], re.split(r"\s+\d+\s+\d+\s{2}", line, maxsplit=1)[1]
        assert headers[pack].startswith(source)
        assert source.endswith((".", "!", "?")), line  # a whole sentence, never cut in the middle


def test_sources_versions_and_disagreements_per_provider():
    result = run_cli(["rules", "--pack"])
    assert result.exit_code == 0
    providers = result.stdout.split("\n\n", 1)[1].splitlines()
    assert providers[0].startswith("provider ")
    cfn = next(ln for ln in providers if ln.startswith("cloudformation "))
    for source in ("cfn-lint 1.58.0", "@aws-cdk/aws-service-spec 0.1.216", "aws-sam-translator 1.115.0"):
        assert source in cfn, cfn
    assert re.search(r"; \d+ \(conditional \d+, may_replace \d+, none \d+, replace \d+, sam_transform \d+; "
                     r"cloudformation/disagreements.tsv\)$", cfn), cfn
    aws = next(ln for ln in providers if ln.startswith("terraform/aws "))
    # read from provider source, cross-checked with the handed-over reference table (tools/packgen/tfschema)
    assert "hashicorp/terraform-provider-aws" in aws and aws.endswith("; terraform/aws/disagreements.tsv)"), aws
    random = next(ln for ln in providers if ln.startswith("terraform/random "))
    assert random.endswith("none recorded (one source per fact)")
    # the release the unversioned facts describe, and how many facts hold in some releases only
    assert re.search(r"versions: 6\.58\.0, \d+ releases read \(v2\.0\.0 to v6\.58\.0\), and \d+ facts by version \(changing at [^)]*\d\.\d+\.\d+\)", aws), aws
    google = next(ln for ln in providers if ln.startswith("terraform/google "))
    assert re.search(r"versions: 7\.45\.0", google), google
    markdown = run_cli(["rules", "--pack", "--format", "markdown"]).stdout
    assert "| provider | sources and versions | disagreements between sources |" in markdown


def test_hand_kept_providers_name_the_revision_read():
    providers = run_cli(["rules", "--pack"]).stdout.split("\n\n", 1)[1].splitlines()
    kubernetes = next(ln for ln in providers if ln.startswith("terraform/kubernetes "))
    assert re.search(r"hand-kept from hashicorp/terraform-provider-kubernetes@[0-9a-f]{7} \((after )?v[\d.]+\)", kubernetes), kubernetes
