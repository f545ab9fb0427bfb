"""A team's own facts, named in the configuration, are honoured by the rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from iaclint.config import ConfigError
from iaclint.knowledge.packs import Packs
from iaclint.knowledge.user_packs import load_user_packs

PACK = """
replacement:
  aws_sqs_queue:
    - attribute: visibility_timeout_seconds
      kind: force_new
      source: "internal: platform decision 2026-03"
protection:
  aws_sqs_queue:
    - attribute: keep_me
      protects_when: true
stateful:
  aws_sqs_queue:
    reason: "orders queue holds in-flight work"
    source: "internal"
"""


def _tf(path: Path, body: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    (path / "main.tf").write_text(body)


def test_loader_turns_entries_into_sourced_facts(tmp_path):
    (tmp_path / "pack.yaml").write_text(PACK)
    packs = Packs(load_user_packs([tmp_path / "pack.yaml"]))
    rep = [f for f in packs.replacement("aws_sqs_queue") if f.key == "visibility_timeout_seconds"]
    assert rep and rep[0].value == "force_new" and rep[0].source.startswith("internal")
    assert any(f.key == "keep_me" and f.value == "true" for f in packs.protection("aws_sqs_queue"))
    st = packs.stateful("aws_sqs_queue")
    assert st is not None and "in-flight" in st.value
    # shipped facts are still there
    assert any(f.key == "engine" for f in packs.replacement("aws_db_instance"))


@pytest.mark.parametrize(
    "text",
    ["replacement: [1, 2]", "bogus: {}", "replacement:\n  x:\n    - kind: force_new\n", "- a\n- b\n", "replacement: {x: [{attribute: a, kind: maybe}]}"],
)
def test_bad_user_pack_is_a_config_error(tmp_path, text):
    (tmp_path / "pack.yaml").write_text(text)
    with pytest.raises(ConfigError):
        load_user_packs([tmp_path / "pack.yaml"])


def test_user_pack_drives_findings_end_to_end(tmp_path):
    (tmp_path / "pack.yaml").write_text(PACK)
    (tmp_path / ".iaclint.toml").write_text('[tool.iaclint]\npacks = ["pack.yaml"]\n')
    _tf(tmp_path / "before", 'resource "aws_sqs_queue" "orders" {\n  name = "orders"\n  visibility_timeout_seconds = 30\n}\nresource "aws_sqs_queue" "gone" {\n  name = "gone"\n}\n')
    _tf(tmp_path / "after", 'resource "aws_sqs_queue" "orders" {\n  name = "orders"\n  visibility_timeout_seconds = 60\n}\n')
    proc = subprocess.run(
        [sys.executable, "-m", "iaclint", "diff", "before", "after", "--format", "json"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert proc.returncode == 1, proc.stderr
    rules = sorted((f["rule"], f["resource"]) for f in json.loads(proc.stdout)["findings"])
    assert ("IAC101", "aws_sqs_queue.orders") in rules
    assert ("IAC301", "aws_sqs_queue.gone") in rules


def test_termination_protection_is_no_guard_against_terraforms_own_destroy(tmp_path):
    # the aws provider turns disable_api_termination off before it terminates the instance, so a
    # removed instance marked stateful by a team's pack is destroyed with the setting on: an error
    (tmp_path / "pack.yaml").write_text('stateful:\n  aws_instance:\n    reason: "pet server with local data"\n    source: "internal"\n')
    (tmp_path / ".iaclint.toml").write_text('[tool.iaclint]\npacks = ["pack.yaml"]\n')
    _tf(tmp_path / "before", 'resource "aws_instance" "pet" {\n  ami = "ami-1"\n  disable_api_termination = true\n}\n')
    _tf(tmp_path / "after", '')
    proc = subprocess.run(
        [sys.executable, "-m", "iaclint", "diff", "before", "after", "--format", "json"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    found = [(f["rule"], f["severity"]) for f in json.loads(proc.stdout)["findings"]]
    assert ("IAC301", "error") in found, proc.stdout
