"""The plain records (iaclint.core.record) behave as the dataclasses they replaced."""

from __future__ import annotations

import dataclasses
import importlib
import pickle

import pytest

from iaclint.core.model import Change, ChangeKind, Expr, Finding, Pos, Resource
from iaclint.core.record import FRESH, FrozenInstanceError, FrozenRecord, Record, fields, replace


# the modules whose dataclasses became records
MODULES = ("iaclint.core.model", "iaclint.core.facts", "iaclint.languages", "iaclint.languages.base", "iaclint.pipeline", "iaclint.output", "iaclint.knowledge.packs", "iaclint.engine.check", "iaclint.engine.suppressions", "iaclint.engine.runner", "iaclint.config", "iaclint.inputs.build", "iaclint.languages.terraform.hcl", "iaclint.languages.terraform.module", "iaclint.languages.terraform.loading", "iaclint.core.blast")


def _records() -> list[type]:
    for name in MODULES:
        importlib.import_module(name)
    out, todo = [], [Record]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub is not FrozenRecord and sub.__module__.startswith("iaclint."):
                out.append(sub)
    return out


RECORDS = _records()


def test_records_are_found():
    names = {c.__name__ for c in RECORDS}
    assert {"Resource", "Change", "Finding", "Pos", "Expr", "StackDiff", "RunOptions", "TerraformFacts"} <= names


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_a_records_fields_are_its_declared_ones(cls):
    """The annotations in the class body (its documentation) and `__init__`'s parameters agree."""
    declared = [n for k in reversed(cls.__mro__) for n in k.__dict__.get("__annotations__", {})
                if not n.startswith("_")]
    assert list(fields(cls)) == list(dict.fromkeys(declared))


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_a_fresh_default_is_new_per_instance(cls):
    import inspect

    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fresh = [p.name for p in params if p.default is FRESH]
    required = {p.name: object() for p in params if p.default is inspect.Parameter.empty}
    if not fresh:
        return
    a, b = cls(**required), cls(**required)
    for name in fresh:
        assert getattr(a, name) == type(getattr(a, name))() and getattr(a, name) is not getattr(b, name)


def _twin(cls: type, sample) -> type:
    """The dataclass the record was: the same fields and defaults (`sample` gives the factories)."""
    import inspect

    spec = []
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.default is FRESH:
            spec.append((p.name, object, dataclasses.field(default_factory=type(getattr(sample, p.name)))))
        elif p.default is inspect.Parameter.empty:
            spec.append((p.name, object))
        else:
            spec.append((p.name, object, dataclasses.field(default=p.default)))
    return dataclasses.make_dataclass(cls.__name__, spec, frozen=issubclass(cls, FrozenRecord))


@pytest.mark.parametrize("cls", [Pos, Expr, Resource, Change, Finding])
def test_equality_repr_and_hash_as_the_dataclass(cls):
    args = {Pos: (3, 4), Expr: ("var.x",), Resource: ("aws_s3_bucket.b", "aws_s3_bucket", "s", "main.tf", Pos(1)),
            Change: (ChangeKind.ADDED, None, None),
            Finding: ("IAC101", "n", "replacement", "error", "main.tf", 3, "m")}[cls]
    a, b = cls(*args), cls(*args)
    t = _twin(cls, a)(*args)
    assert a == b and not (a != b) and a != object() and repr(a) == repr(t)
    assert (a.__hash__ is None) == (t.__hash__ is None)
    if a.__hash__ is not None:
        assert hash(a) == hash(t) == hash(b)
    assert pickle.loads(pickle.dumps(a)) == a
    other = replace(a, **{fields(cls)[0]: "changed"})
    assert other != a and getattr(other, fields(cls)[0]) == "changed"
    assert all(getattr(other, f) == getattr(a, f) for f in fields(cls)[1:])
    with pytest.raises(TypeError):
        replace(a, no_such_field=1)


def test_frozen_refuses_assignment():
    e = Expr("a")
    with pytest.raises(FrozenInstanceError):
        e.text = "b"
    with pytest.raises(FrozenInstanceError):
        del e.text
    assert e.text == "a" and {Expr("a"), Expr("a")} == {e}


def test_replace_still_takes_a_dataclass():
    @dataclasses.dataclass
    class D:
        x: int
        y: int = 2

    assert replace(D(1), y=5) == D(1, 5) and fields(D) == ("x", "y")
