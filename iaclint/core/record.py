"""Plain record classes: what `@dataclass` gave the model, without its cost at start-up.

A dataclass is built when its module is imported: its methods are written as source text and
compiled (`exec`), and `dataclasses` imports `inspect` (with `ast`, `dis`, `tokenize`). Over
the ~40 records a hook run imports that was ~25 ms of a ~180 ms run. A record here writes its
own `__init__` (its parameters are its fields, in order); `Record` gives it the rest as a
dataclass would: equality field by field with an object of the same class, a `repr` naming
every field, no hash (it is mutable); `FrozenRecord` is hashable by its fields and refuses
assignment. `replace()` copies a record (or a dataclass) with some fields changed.
`tests/test_record.py` compares each of them with the dataclass it replaces.
"""

from __future__ import annotations

from operator import attrgetter


class _Fresh:
    """The default of a field that gets a new empty list, dict or set per instance."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FRESH"


FRESH = _Fresh()


class FrozenInstanceError(AttributeError):
    """An assignment to a field of a frozen record (what `dataclasses.FrozenInstanceError` is)."""


def _fields_of(cls: type) -> tuple[str, ...]:
    code = cls.__init__.__code__
    return code.co_varnames[1:code.co_argcount + code.co_kwonlyargcount]


def _values_getter(names: tuple[str, ...]):
    """self -> the tuple of its fields' values (what a dataclass compares and hashes)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


class Record:
    """A mutable record: `__init__` names its fields."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _values = staticmethod(_values_getter(()))

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls._fields = _fields_of(cls)
            cls._values = staticmethod(_values_getter(cls._fields))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values(self) == other._values(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  (mutable, as a dataclass with eq and not frozen)

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{self.__class__.__qualname__}({inner})"


class FrozenRecord(Record):
    """An immutable record: hashable by its fields; `__init__` writes them into `self.__dict__`."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._values(self))

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")


def fields(obj_or_cls) -> tuple[str, ...]:
    """The field names of a record (or a dataclass), in order."""
    found = getattr(obj_or_cls, "_fields", None)
    if found is None:
        import dataclasses

        return tuple(f.name for f in dataclasses.fields(obj_or_cls))
    return found


def replace(obj, **changes):
    """A copy of `obj` (a record, or a dataclass) with `changes`, made through its `__init__`."""
    names = getattr(obj, "_fields", None)
    if names is None:
        import dataclasses

        return dataclasses.replace(obj, **changes)
    unknown = set(changes) - set(names)
    if unknown:
        raise TypeError(f"{obj.__class__.__qualname__} has no field {sorted(unknown)[0]!r}")
    return obj.__class__(**{f: changes[f] if f in changes else getattr(obj, f) for f in names})
