"""The model's own invariants that no rule test would notice breaking."""

from __future__ import annotations

import inspect
import pickle

import pytest

from iaclint.core.model import Pos
from iaclint.core.record import FrozenInstanceError, fields, replace


def test_pos_init_takes_the_fields():
    """`Pos.__init__` is written by hand: it takes exactly the fields, with their defaults."""
    params = list(inspect.signature(Pos.__init__).parameters.values())[1:]
    assert [p.name for p in params] == list(fields(Pos)) == ["line", "column", "end_line", "path"]
    assert [p.default for p in params] == [inspect.Parameter.empty, 1, None, None]


def test_pos_is_still_a_frozen_value():
    a, b = Pos(3, 4, 9), Pos(line=3, column=4, end_line=9)
    assert a == b and hash(a) == hash(b) and a != Pos(3, 4)
    assert repr(Pos(1)) == "Pos(line=1, column=1, end_line=None, path=None)"
    with pytest.raises(FrozenInstanceError):
        a.line = 5
    assert isinstance(FrozenInstanceError(), AttributeError)
    assert replace(a, path="x.tf") == Pos(3, 4, 9, "x.tf")
    assert pickle.loads(pickle.dumps(a)) == a
    assert Pos._values(a) == (3, 4, 9, None)
