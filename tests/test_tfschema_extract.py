"""The static reader of Terraform provider Go source (tools/packgen/tfschema), on a small
provider committed to a throw-away git repository: no network, no checkout, any revision."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TOOL = REPO / "tools" / "packgen" / "tfschema"
DATA = Path(__file__).resolve().parent / "data" / "tfschema"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")


@pytest.fixture(scope="module")
def extract():
    sys.path.insert(0, str(TOOL))
    try:
        import extract as module  # noqa: PLC0415

        yield module
    finally:
        sys.path.remove(str(TOOL))


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin:/usr/local/bin"}).stdout.strip()


@pytest.fixture(scope="module")
def provider_repo(tmp_path_factory) -> tuple[Path, str, str]:
    """A bare-enough repository: revision 1 has the SDKv2 resource, revision 2 adds a framework
    resource and makes `kms_key_id` updatable in place."""
    repo = tmp_path_factory.mktemp("terraform-provider-demo")
    _git(repo, "init", "-q")
    (repo / "go.mod").write_text("module github.com/example/terraform-provider-demo\n\ngo 1.22\n")
    (repo / "internal" / "provider").mkdir(parents=True)
    (repo / "internal" / "names").mkdir(parents=True)
    (repo / "internal" / "provider" / "provider.go").write_text((DATA / "provider.go.txt").read_text())
    (repo / "internal" / "names" / "names.go").write_text((DATA / "names.go.txt").read_text())
    (repo / "internal" / "provider" / "provider_test.go").write_text("package provider\n\nfunc resourceTest() {}\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "one")
    first = _git(repo, "rev-parse", "HEAD")
    (repo / "internal" / "provider" / "resource_key.go").write_text((DATA / "framework.go.txt").read_text())
    text = (repo / "internal" / "provider" / "provider.go").read_text()
    text = text.replace('''				Computed: true,
				ForceNew: true,
			},
			"password"''', '''				Computed: true,
			},
			"password"''')
    (repo / "internal" / "provider" / "provider.go").write_text(text)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "two")
    # the work tree is gone: only the git directory is read
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    return repo / ".git", first, _git(repo, "rev-parse", "HEAD")


def _rows(result) -> dict[tuple[str, str], tuple[str, str, str]]:
    return {(r.resource_type, r.path): (r.flags, r.default, r.kind) for r in result.rows}


def test_sdkv2_schema(extract, provider_repo):
    gitdir, first, _ = provider_repo
    res = extract.extract(str(gitdir), first, "demo")
    assert set(res.resources) == {"demo_disk"}  # the data source is not a resource
    rows = _rows(res)
    assert rows[("demo_disk", "name")] == ("R", "", "force_new")  # names.AttrName resolved
    assert rows[("demo_disk", "size")] == ("O", "8", "conditional")  # constant default; ForceNewIfChange
    assert rows[("demo_disk", "kms_key_id")] == ("OC", "", "force_new")
    assert rows[("demo_disk", "password")] == ("OS", "", "")
    assert rows[("demo_disk", "legacy")] == ("OD", "", "")
    assert rows[("demo_disk", "tier")] == ("O", '"standard"', "")
    assert rows[("demo_disk", "attachment")] == ("O", "", "")
    assert rows[("demo_disk", "attachment.device")] == ("R", "", "force_new")  # Elem: helper function
    assert rows[("demo_disk", "attachment.enabled")] == ("O", "true", "")
    assert rows[("demo_disk", "tags")] == ("O", "", "")  # a schema helper function
    assert not res.unresolved_types
    sources = {r.source for r in res.rows if r.resource_type == "demo_disk"}
    assert "internal/provider/provider.go#attachmentResource" in sources
    assert "internal/provider/provider.go#resourceDisk" in sources


def test_any_revision_and_framework(extract, provider_repo):
    gitdir, _, second = provider_repo
    res = extract.extract(str(gitdir), second, "demo")
    assert set(res.resources) == {"demo_disk", "demo_key"}
    rows = _rows(res)
    assert rows[("demo_disk", "kms_key_id")] == ("OC", "", "")  # updatable in place at this revision
    assert rows[("demo_key", "algorithm")] == ("R", "", "force_new")
    assert rows[("demo_key", "comment")] == ("O", "", "conditional")
    assert rows[("demo_key", "rotate")] == ("OC", "false", "")
    assert rows[("demo_key", "secret")] == ("CDS", "", "")
    assert rows[("demo_key", "policy.effect")] == ("R", "", "force_new")


def test_attr_constant_names_derived_by_the_generators_rule(extract):
    derive = extract.attr_const_value
    assert derive("AttrKMSKeyID") == "kms_key_id"
    assert derive("AttrVPCID") == "vpc_id"
    assert derive("AttrARNs") == "arns"
    assert derive("AttrS3KeyPrefix") == "s3_key_prefix"
    assert derive("AttrIPAddressType") == "ip_address_type"
    assert derive("AttrVPCSecurityGroupIDs") == "vpc_security_group_ids"
    assert derive("AttrUsername") == "username"


def test_go_lexer_inserts_semicolons_and_skips_comments(extract):
    import gosrc  # noqa: PLC0415

    toks = [t.text for t in gosrc.tokenize('x := `a\nb` // c\ny := "d"\n')]
    assert toks == ["x", ":=", "`a\nb`", ";", "y", ":=", '"d"', ";"]
