"""End-to-end case folders: parse → diff → engine, compared with each case's expected.json.

    tests/cases/<RULE>/<case>/{before/,after/,expected.json}
    tests/cases/benign/<case>/...                 realistic edits that must stay silent
    tests/cases/<RULE>/<case>/options.json        optional: what the command line would add,
                                                  as `RunOptions` fields (`{"scope": ["module.app.*"]}`)

expected.json is `{"findings": [{"rule", "resource", "path", "line"[, "severity"]}, ...]}`: the
identity of each finding, never its wording (wording lives in the output snapshots). The
comparison is exact as a multiset: a missing finding and an extra one both fail. An entry
with "severity" also pins the severity.

`UPDATE_SNAPSHOTS=1 pytest tests/test_cases.py` rewrites every expected.json from what iaclint
finds now (keeping "severity" where an entry had one). Review that diff like code: a case
whose findings change is a behaviour change.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from helpers import identity, lint_trees

from iaclint.engine.registry import RULES

CASES = Path(__file__).parent / "cases"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
# Rules no Terraform case can reach: IAC002 needs a broken BEFORE file that is also changed
# (covered below all the same), IAC005 is emitted for templates only.
NOT_REQUIRED = {"IAC002", "IAC005"}
# rules that judge no source change, and have their own firing and silent tables
JUDGED_ELSEWHERE = {"destructive-command": "tests/test_check_command.py", "drift": "tests/test_plan_drift.py"}
KEYS = ("rule", "resource", "path", "line")
# the RunOptions fields a case may set: only those that change what is found, never where it is read from
CASE_OPTIONS = {"scope"}


def _case_dirs() -> list[Path]:
    return sorted(p.parent for p in CASES.glob("*/*/expected.json"))


def _options(case: Path) -> dict:
    path = case / "options.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _load(case: Path) -> list[dict]:
    return json.loads((case / "expected.json").read_text(encoding="utf-8"))["findings"]


def _key(entry: dict) -> tuple:
    return tuple(entry[k] for k in KEYS)


def _show(entries) -> str:
    return "\n".join(f"    {e['rule']} {e['path']}:{e['line']} {e['resource']}" + (f" [{e['severity']}]" if "severity" in e else "")
                     for e in entries) or "    (none)"


def _write(case: Path, found: list, old: list[dict]) -> None:
    pinned = {_key(e): e["severity"] for e in old if "severity" in e}
    out = []
    for f in found:
        entry = identity(f)
        if _key(entry) in pinned:
            entry["severity"] = f.severity.value
        out.append(entry)
    text = json.dumps({"findings": out}, indent=2) + "\n"
    (case / "expected.json").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("case", _case_dirs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(case: Path) -> None:
    found = lint_trees(case / "before", case / "after", **_options(case))
    expected = _load(case)
    if UPDATE:
        _write(case, found, expected)
        expected = _load(case)

    actual = [dict(identity(f), severity=f.severity.value, message=f.message) for f in found]
    unmatched = list(actual)
    missing = []
    for e in expected:
        hit = next((a for a in unmatched if _key(a) == _key(e) and e.get("severity", a["severity"]) == a["severity"]), None)
        if hit is None:
            missing.append(e)
        else:
            unmatched.remove(hit)
    if missing or unmatched:
        extra = "\n".join(f"    {a['rule']} {a['path']}:{a['line']} {a['resource']} [{a['severity']}] {a['message']}"
                          for a in unmatched) or "    (none)"
        pytest.fail(
            f"{case.relative_to(CASES)}: findings differ from expected.json\n"
            f"  missing (expected, not found):\n{_show(missing)}\n"
            f"  extra (found, not expected):\n{extra}\n"
            f"  (UPDATE_SNAPSHOTS=1 rewrites expected.json; review the diff)",
            pytrace=False,
        )


def test_expected_files_are_well_formed() -> None:
    for case in _case_dirs():
        entries = _load(case)
        for e in entries:
            assert set(e) <= {*KEYS, "severity"}, f"{case}: unknown keys in {e}"
            assert set(KEYS) <= set(e), f"{case}: an entry lacks one of {KEYS}: {e}"
            # line 0: the file as a whole (a removed resource whose file is deleted)
            assert isinstance(e["line"], int) and e["line"] >= 0, f"{case}: bad line in {e}"
        assert (case / "after").is_dir(), f"{case}: no after/ directory"
        assert set(_options(case)) <= CASE_OPTIONS, f"{case}: options.json may set only {sorted(CASE_OPTIONS)}"


def test_every_rule_has_a_firing_and_a_silent_case() -> None:
    gaps = []
    for rule in RULES:
        if rule.code in NOT_REQUIRED or rule.category.value in JUDGED_ELSEWHERE:
            continue
        folder = CASES / rule.code
        cases = sorted(p.parent for p in folder.glob("*/expected.json"))
        firing = [c for c in cases if any(e["rule"] == rule.code for e in _load(c))]
        silent = [c for c in cases if not _load(c)]
        if not firing:
            gaps.append(f"{rule.code} ({rule.name}): no case under tests/cases/{rule.code}/ where it fires")
        if not silent:
            gaps.append(f"{rule.code} ({rule.name}): no silent twin (expected findings empty) under tests/cases/{rule.code}/")
    assert not gaps, "\n".join(gaps)


def test_case_folders_are_named_after_rules() -> None:
    codes = {r.code for r in RULES} | {"benign"}
    strays = [p.name for p in CASES.iterdir() if p.is_dir() and p.name not in codes]
    assert not strays, f"case folders that name no rule: {strays}"


def test_firing_cases_fire_their_own_rule() -> None:
    """A case under tests/cases/IAC201/ that fires only other rules is misfiled."""
    wrong = []
    for case in _case_dirs():
        code = case.parent.name
        entries = _load(case)
        if code != "benign" and entries and not any(e["rule"] == code for e in entries):
            wrong.append(f"{case.relative_to(CASES)}: fires {sorted({e['rule'] for e in entries})}, not {code}")
    assert not wrong, "\n".join(wrong)


def test_benign_cases_are_silent() -> None:
    noisy = [c.name for c in _case_dirs() if c.parent.name == "benign" and _load(c)]
    assert not noisy, f"benign cases must expect no findings: {noisy}"
    assert len([c for c in _case_dirs() if c.parent.name == "benign"]) >= 10


def test_cases_use_each_provider() -> None:
    """Rules that read provider packs are exercised on aws, google and azurerm resources."""
    text = Counter()
    for tf in CASES.glob("IAC1*/**/*.tf"):
        body = tf.read_text(encoding="utf-8", errors="replace")
        for provider in ("aws_", "google_", "azurerm_"):
            if f'resource "{provider}' in body:
                text[provider] += 1
    assert all(text[p] for p in ("aws_", "google_", "azurerm_")), text
