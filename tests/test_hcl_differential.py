"""iaclint's HCL reading, checked against an independent parser: python-hcl2.

For every .tf file under tests/cases/ (and for generated files), the literal values iaclint's
loader gives a resource's attributes and nested blocks must equal python-hcl2's values for
the same attributes, wherever python-hcl2 sees a literal (string, number, bool, null, and
lists/objects of those). Expressions are left out: iaclint resolves variables and locals,
python-hcl2 keeps them as text, so they are not comparable.

python-hcl2 (v7+) returns strings in their source form: `"\"text\""` with escapes left as
written, expressions as `"${...}"`. `_reference` turns that into plain Python values.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hcl2.utils import SerializationOptions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iaclint.core.model import Expr
from iaclint.languages.terraform.module import META_ATTRS, META_BLOCKS, load_module, module_dirs
from iaclint.inputs.trees import DirTree

CASES = Path(__file__).parent / "cases"
SKIP = object()  # not a literal for python-hcl2: not compared
SKIPPED_KEYS = META_ATTRS | META_BLOCKS | {"dynamic", "__is_block__", "__comments__", "__inline_comments__",
                                          "__start_line__", "__end_line__"}
_HEREDOC_OPTS = SerializationOptions(preserve_heredocs=False, with_comments=False)
_RAW_OPTS = SerializationOptions(preserve_heredocs=True, with_comments=False)


# ------------------------------------------------------------------ python-hcl2 → Python values


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _hcl_string(body: str) -> Any:
    """The value of a quoted string's body as python-hcl2 keeps it, or SKIP when it interpolates."""
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if body.startswith(("$${", "%%{"), i):
            out.append(body[i + 1 : i + 3])
            i += 3
        elif body.startswith(("${", "%{"), i):
            return SKIP  # a template: not a literal
        elif c == "\\" and i + 1 < len(body):
            e = body[i + 1]
            if e == "u":
                out.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
                continue
            if e == "U":
                out.append(chr(int(body[i + 2 : i + 10], 16)))
                i += 10
                continue
            out.append({"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}.get(e, "\\" + e))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _reference(value: Any, raw: Any) -> Any:
    """python-hcl2's value as plain Python (`raw` is the same value with heredocs kept as written)."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            text = _hcl_string(value[1:-1])
            if text is not SKIP and isinstance(raw, str) and raw.startswith('"<<'):
                return ("heredoc", text)  # python-hcl2 drops a heredoc's final newline
            return text
        return SKIP  # "${expression}"
    if isinstance(value, list):
        return [_reference(v, r) for v, r in zip(value, raw if isinstance(raw, list) else value)]
    if isinstance(value, dict):
        raw = raw if isinstance(raw, dict) else value
        return {_unquote(k): _reference(v, raw.get(k)) for k, v in value.items() if k not in SKIPPED_KEYS}
    return SKIP


def _is_blocks(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and v.get("__is_block__") for v in value)


# ------------------------------------------------------------------ comparison


def _compare(ours: Any, ref: Any, raw_ref: Any, where: str, problems: list[str]) -> None:
    """ref is python-hcl2's serialised value (blocks still marked), ours is iaclint's."""
    if _is_blocks(ref):
        if not isinstance(ours, list) or len(ours) != len(ref):
            problems.append(f"{where}: {len(ref)} nested block(s) for python-hcl2, iaclint has {ours!r:.80}")
            return
        raws = raw_ref if isinstance(raw_ref, list) else ref
        for i, (o, r, rr) in enumerate(zip(ours, ref, raws)):
            _compare_body(o, r, rr, f"{where}[{i}]", problems)
        return
    _compare_value(ours, _reference(ref, raw_ref), where, problems)


def _compare_value(ours: Any, expected: Any, where: str, problems: list[str]) -> None:
    if expected is SKIP:
        return
    if isinstance(expected, tuple) and expected[0] == "heredoc":
        text = expected[1]
        if not (isinstance(ours, str) and (ours == text or ours == text + "\n")):
            problems.append(f"{where}: heredoc {text!r:.120} (python-hcl2) != {ours!r:.120} (iaclint)")
        return
    if isinstance(expected, dict):
        if not isinstance(ours, dict):
            if not isinstance(ours, Expr) or _all_literal(expected):
                problems.append(f"{where}: object {expected!r:.120} (python-hcl2) != {ours!r:.120} (iaclint)")
            return
        for k, v in expected.items():
            if k not in ours:
                problems.append(f"{where}.{k}: missing in iaclint's value {ours!r:.120}")
                continue
            _compare_value(ours[k], v, f"{where}.{k}", problems)
        return
    if isinstance(expected, list):
        if not isinstance(ours, list) or len(ours) != len(expected):
            if not isinstance(ours, Expr) or _all_literal(expected):
                problems.append(f"{where}: list {expected!r:.120} (python-hcl2) != {ours!r:.120} (iaclint)")
            return
        for i, (o, e) in enumerate(zip(ours, expected)):
            _compare_value(o, e, f"{where}[{i}]", problems)
        return
    same = type(ours) is type(expected) and ours == expected
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        same = isinstance(ours, (int, float)) and not isinstance(ours, bool) and ours == expected
    if not same:
        problems.append(f"{where}: {expected!r:.120} (python-hcl2) != {ours!r:.120} (iaclint)")


def _all_literal(value: Any) -> bool:
    if value is SKIP:
        return False
    if isinstance(value, dict):
        return all(_all_literal(v) for v in value.values())
    if isinstance(value, list):
        return all(_all_literal(v) for v in value)
    return True


def _compare_body(ours: dict, ref: dict, raw: dict, where: str, problems: list[str]) -> int:
    compared = 0
    for key, value in ref.items():
        if key in SKIPPED_KEYS:
            continue
        if key not in ours:
            problems.append(f"{where}.{key}: python-hcl2 has it, iaclint does not")
            continue
        _compare(ours[key], value, raw.get(key) if isinstance(raw, dict) else None, f"{where}.{key}", problems)
        compared += 1
    return compared


def _reference_resources(text: str) -> list[tuple[str, str, dict, dict]]:
    parsed = hcl2.loads(text, serialization_options=_HEREDOC_OPTS)
    raw = hcl2.loads(text, serialization_options=_RAW_OPTS)
    out = []
    for entry, raw_entry in zip(parsed.get("resource", []), raw.get("resource", [])):
        for rtype, by_name in entry.items():
            for name, body in by_name.items():
                out.append((_unquote(rtype), _unquote(name), body, raw_entry[rtype][name]))
    return out


def differences(root: Path, rel_file: str, trust_rejection: bool = True) -> tuple[list[str], int]:
    """Problems found comparing one file's resources, and how many attributes were compared.

    With `trust_rejection`, a file python-hcl2 rejects must be one iaclint reports too; generated
    files turn it off, since python-hcl2 rejects some valid HCL (`"%%{"`)."""
    tree = DirTree(root)
    directory = rel_file.rpartition("/")[0]
    module = load_module(tree, directory, dirs=module_dirs(tree))
    try:
        text = (root / rel_file).read_bytes().decode("utf-8-sig")
        refs = _reference_resources(text)
    except Exception as exc:  # python-hcl2 rejects it: iaclint must not read it silently either
        reported = rel_file in module.broken_files or any(p.path == rel_file for p in module.problems)
        if reported or not trust_rejection:
            return [], 0
        return [f"{rel_file}: python-hcl2 rejects it ({exc.__class__.__name__}), iaclint reads it without a problem"], 0
    if any(p.path == rel_file and p.message.startswith("unsupported block type") for p in module.problems):
        return [], 0  # valid syntax Terraform rejects (`resouce`): not python-hcl2's business
    if rel_file in module.broken_files:
        return [f"{rel_file}: python-hcl2 reads it, iaclint reports {[p.message for p in module.problems]}"], 0
    ours = {(r.type, r.name): r for r in module.resources.values() if r.path == rel_file and not r.module}
    problems: list[str] = []
    compared = 0
    seen: set[tuple[str, str]] = set()
    for rtype, name, body, raw in refs:
        if (rtype, name) in seen:
            continue  # a duplicate address: which one iaclint keeps is another test's business
        seen.add((rtype, name))
        resource = ours.get((rtype, name))
        if resource is None:
            problems.append(f"{rel_file}: resource {rtype}.{name} read by python-hcl2, not by iaclint")
            continue
        compared += _compare_body(resource.body, body, raw, f"{rel_file}:{rtype}.{name}", problems)
    return problems, compared


# ------------------------------------------------------------------ every case file


def _case_files() -> list[tuple[Path, str]]:
    out = []
    for side in sorted(CASES.glob("*/*/before")) + sorted(CASES.glob("*/*/after")):
        for tf in sorted(side.rglob("*.tf")):
            siblings = [s.name for s in tf.parent.iterdir()]
            if any(s.endswith(".tofu") or s.rsplit(".", 1)[0] == "override" or s.rsplit(".", 1)[0].endswith("_override")
                   for s in siblings):
                continue  # one file alone is not what Terraform reads there: overrides merge, .tofu wins
            out.append((side, tf.relative_to(side).as_posix()))
    return out


CASE_FILES = _case_files()


@pytest.mark.parametrize(
    "root,rel", CASE_FILES, ids=[f"{r.relative_to(CASES).as_posix()}/{f}" for r, f in CASE_FILES]
)
def test_case_file_agrees_with_python_hcl2(root: Path, rel: str) -> None:
    problems, _ = differences(root, rel)
    assert not problems, "\n".join(problems)


def test_the_case_files_are_compared_at_all() -> None:
    """A guard against a comparison that silently skips everything."""
    total = sum(differences(root, rel)[1] for root, rel in CASE_FILES)
    assert len(CASE_FILES) > 150 and total > 1000, (len(CASE_FILES), total)


# ------------------------------------------------------------------ generated files

_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 -_./:*@") + ["\t", "\n", '"', "\\", "$", "{", "}", "%", "é", "→", "💾", "~"]),
    max_size=24,
).filter(lambda s: "%%{" not in s and "$${" not in s)  # tree-sitter-hcl misreads `%%%{` and `$$${`: see the xfails below

_NUMBER = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False).map(lambda f: round(f, 3)),
)
_SCALAR = st.one_of(_TEXT, _NUMBER, st.booleans())
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), inner, max_size=3),
    ),
    max_leaves=6,
)
_NAME = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(
    lambda n: n not in SKIPPED_KEYS and n not in ("true", "false", "null", "for", "in", "if")
)


def _render_string(s: str, use_unicode_escape: bool) -> str:
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if s.startswith(("${", "%{"), i):
            out.append(c + c + "{")
            i += 2
            continue
        out.append({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}.get(c, c))
        if use_unicode_escape and c == "é":
            out[-1] = "\\u00e9"
        i += 1
    return '"' + "".join(out) + '"'


def _render(value: Any, indent: str, uni: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _render_string(value, uni)
    if isinstance(value, list):
        return "[" + ", ".join(_render(v, indent, uni) for v in value) + "]"
    inner = indent + "  "
    items = "".join(f"{inner}{k} = {_render(v, inner, uni)}\n" for k, v in value.items())
    return "{\n" + items + indent + "}"


@st.composite
def _heredoc(draw) -> tuple[str, str]:
    """(HCL text, value) of a heredoc of plain lines."""
    lines = draw(st.lists(st.from_regex(r"[a-z0-9 #:=.\-\"\\]{0,20}", fullmatch=True), min_size=1, max_size=4))
    lines = [ln.strip() for ln in lines]  # indentation comes only from pad and extra below
    flush = draw(st.booleans())
    pad = " " * draw(st.integers(0, 6))
    if flush:
        extra = draw(st.lists(st.integers(0, 3), min_size=len(lines), max_size=len(lines)))
        body = "".join(f"{pad}{' ' * e}{ln}\n" if ln else "\n" for ln, e in zip(lines, extra))
        nonblank = [e for ln, e in zip(lines, extra) if ln]
        cut = min(nonblank, default=0)
        value = "".join(f"{' ' * (e - cut)}{ln}\n" if ln else "\n" for ln, e in zip(lines, extra))
        return f"<<-EOT\n{body}{pad}EOT", value
    body = "".join(f"{pad}{ln}\n" for ln in lines)
    return f"<<EOT\n{body}EOT", body


@st.composite
def _resource(draw) -> tuple[str, dict]:
    attrs = draw(st.dictionaries(_NAME, _VALUE, min_size=1, max_size=5))
    uni = draw(st.booleans())
    lines = [f"  {k} = {_render(v, '  ', uni)}" for k, v in attrs.items()]
    expected: dict[str, Any] = dict(attrs)
    if draw(st.booleans()):
        text, value = draw(_heredoc())
        lines.append(f"  script = {text}")
        expected["script"] = value
    block_attrs = draw(st.dictionaries(_NAME, _SCALAR, max_size=3))
    if block_attrs:
        inner = "\n".join(f"    {k} = {_render(v, '    ', uni)}" for k, v in block_attrs.items())
        lines.append(f"  settings {{\n{inner}\n  }}")
        expected["settings"] = [block_attrs]
    return 'resource "test_thing" "generated" {\n' + "\n".join(lines) + "\n}\n", expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_resource())
def test_generated_resources_agree(tmp_path_factory, generated) -> None:
    text, expected = generated
    root = tmp_path_factory.mktemp("gen")
    (root / "main.tf").write_text(text, encoding="utf-8")
    problems, compared = differences(root, "main.tf", trust_rejection=False)
    assert not problems, text + "\n" + "\n".join(problems)
    # and iaclint agrees with what was written
    module = load_module(DirTree(root), "")
    body = module.resources["test_thing.generated"].body
    assert not module.problems, (text, module.problems)
    assert body == expected, text


def test_known_tricky_literals(tmp_path) -> None:
    """Whitespace at the edges of strings and around interpolations, escapes, heredoc indentation."""
    (tmp_path / "main.tf").write_text(
        'resource "test_thing" "t" {\n'
        '  lead   = "  two leading spaces"\n'
        '  trail  = "trailing  "\n'
        '  esc    = "tab\\there \\"quoted\\" back\\\\slash \\u00e9 $${not_interp} %%{not_directive}"\n'
        '  nums   = [0, -7, 3.25, 1000000]\n'
        '  obj    = { "key-with-dash" = "v", plain = true }\n'
        "  flush  = <<-EOT\n"
        "      indented\n"
        "    less\n"
        "\n"
        "        more\n"
        "    EOT\n"
        "  normal = <<EOT\n"
        "  kept as is \\n\n"
        "EOT\n"
        "  nested {\n"
        '    inner = "  x  "\n'
        "  }\n"
        "}\n",
        encoding="utf-8",
    )
    problems, compared = differences(tmp_path, "main.tf")
    assert not problems, "\n".join(problems)
    assert compared == 8
    body = load_module(DirTree(tmp_path), "").resources["test_thing.t"].body
    assert body["lead"] == "  two leading spaces"
    assert body["esc"] == 'tab\there "quoted" back\\slash é ${not_interp} %{not_directive}'
    assert body["flush"] == "  indented\nless\n\n    more\n"
    assert body["normal"] == "  kept as is \\n\n"


_ = re


@pytest.mark.xfail(reason="tree-sitter-hcl misreads `%%%{` (a `%` before an escaped `%{`) as an unclosed block; "
                          "Terraform reads the string `%%{`", strict=True)
def test_a_percent_before_an_escaped_directive_is_read():
    from iaclint.languages.terraform import hcl

    assert hcl.parse(b'resource "a" "b" {\n  x = "%%%{"\n}\n').errors == []


@pytest.mark.xfail(reason="tree-sitter-hcl misreads `$$${` (a `$` before an escaped `${`) as an unclosed block; "
                          "Terraform reads the string `$${` (checked with terraform console)", strict=True)
def test_a_dollar_before_an_escaped_interpolation_is_read():
    from iaclint.languages.terraform import hcl

    assert hcl.parse(b'resource "a" "b" {\n  x = "$$${"\n}\n').errors == []
