"""The model's own invariants that no rule test would notice breaking."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from iaclint.core.model import Pos


def test_pos_init_is_the_dataclass_signature():
    """`Pos.__init__` is written by hand (speed): it must take exactly the fields, with their defaults."""
    params = list(inspect.signature(Pos.__init__).parameters.values())[1:]
    fields = dataclasses.fields(Pos)
    assert [p.name for p in params] == [f.name for f in fields]
    assert [p.default for p in params] == [inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
                                           for f in fields]


def test_pos_is_still_a_frozen_value():
    a, b = Pos(3, 4, 9), Pos(line=3, column=4, end_line=9)
    assert a == b and hash(a) == hash(b) and a != Pos(3, 4)
    assert repr(Pos(1)) == "Pos(line=1, column=1, end_line=None, path=None)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.line = 5
    assert dataclasses.replace(a, path="x.tf") == Pos(3, 4, 9, "x.tf")
    assert pickle.loads(pickle.dumps(a)) == a
    assert dataclasses.astuple(a) == (3, 4, 9, None)
