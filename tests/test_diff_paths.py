"""`changed_paths` compares each mapping key once; the paths it gives are those of the plain
definition (a path is changed when its two values are not `_equal`, a mapping's path listed
before the paths below it), checked on generated bodies."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from iaclint.core import diff
from iaclint.core.model import Expr

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["a", "b", "true", "1", "1.0", " 1", '{"k": 1}', '{"k":1}']),
                    st.floats(allow_nan=False, min_value=-2, max_value=2), st.sampled_from([Expr("x"), Expr("y")]))
KEYS = st.sampled_from(["a", "b", "c", "d"])
BODIES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=4)),
                      max_leaves=12)


def _reference(a: Any, b: Any, path: str, out: list[str]) -> None:
    """The definition, as `_compare` was written before: the whole mapping compared first."""
    if a is b or diff._equal(a, b):
        return
    if isinstance(a, dict) and isinstance(b, dict):
        if path:
            out.append(path)
        for key in diff._ordered_union(a, b):
            _reference(a.get(key, diff._MISSING), b.get(key, diff._MISSING), f"{path}.{key}" if path else key, out)
        return
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(isinstance(x, dict) for x in a + b):
        out.append(path)
        for x, y in zip(a, b):
            for key in diff._ordered_union(x, y):
                _reference(x.get(key, diff._MISSING), y.get(key, diff._MISSING), f"{path}.{key}", out)
        return
    out.append(path)


@settings(max_examples=400, deadline=None)
@given(before=st.dictionaries(KEYS, BODIES, max_size=4), after=st.dictionaries(KEYS, BODIES, max_size=4))
def test_changed_paths_are_those_of_the_definition(before, after):
    expected: list[str] = []
    _reference(before, after, "", expected)
    assert diff.changed_paths(before, after) == expected


@given(body=st.dictionaries(KEYS, BODIES, max_size=4))
def test_a_body_has_no_changed_path_against_itself_or_a_copy(body):
    import copy

    assert diff.changed_paths(body, body) == []
    assert diff.changed_paths(body, copy.deepcopy(body)) == []


def test_lists_of_mappings_are_compared_element_by_element():
    tags = [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    for before, after in [
        ({"Tags": tags}, {"Tags": [dict(t) for t in tags]}),  # equal copies
        ({"Tags": tags}, {"Tags": [tags[0], {"Key": "b", "Value": "3"}]}),  # one value
        ({"Tags": tags}, {"Tags": [tags[0], {"Key": "b", "Value": 2}]}),  # "2" and 2 are one value
        ({"Tags": tags}, {"Tags": list(reversed(tags))}),  # reordered: changed, element by element
        ({"Tags": tags}, {"Tags": tags + [{"Key": "c"}]}),  # one more
        ({"Tags": [{}]}, {"Tags": [{"Key": None}]}),  # null and absent are one value
    ]:
        expected: list[str] = []
        _reference(before, after, "", expected)
        assert diff.changed_paths(before, after) == expected
