"""Terraform's built-in functions that real modules use to shape values, evaluated on known
arguments exactly as Terraform would (checked against `terraform console` in the tests).

A function gets Python values (str, int/float, bool, None, list, dict) and returns one, or
raises `Unknown` when the result cannot be known statically, or `Failed` when Terraform
itself would fail (which `try` and `can` turn into a fallback). Functions that read files,
time, randomness or the network are not here: their result is unknown.
"""

from __future__ import annotations

from typing import Any, Callable


class Unknown(Exception):
    """The result cannot be known statically."""


class Failed(Exception):
    """Terraform would report an error here (a missing key, an index out of range)."""


def _str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (int, float, str)):
        return str(v)
    raise Unknown


def _list(v: Any) -> list:
    if isinstance(v, list):
        return v
    raise Unknown


def _map(v: Any) -> dict:
    if isinstance(v, dict):
        return v
    raise Unknown


def _int(v: Any) -> int:
    if isinstance(v, bool):
        raise Unknown
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        try:
            return int(v)
        except ValueError:
            raise Failed from None
    raise Unknown


def _coalesce(*args: Any) -> Any:
    for a in args:
        if a is not None and a != "":
            return a
    raise Failed


def _coalescelist(*args: Any) -> Any:
    for a in args:
        if _list(a):
            return a
    raise Failed


def _lookup(m: Any, key: Any, *default: Any) -> Any:
    m = _map(m)
    k = _str(key)
    if k in m:
        return m[k]
    if default:
        return default[0]
    raise Failed


def _merge(*maps: Any) -> dict:
    out: dict = {}
    for m in maps:
        if m is None:
            continue
        out.update(_map(m))
    return out


def _concat(*lists: Any) -> list:
    out: list = []
    for v in lists:
        out.extend(_list(v))
    return out


def _flatten(v: Any) -> list:
    out: list = []
    for x in _list(v):
        if isinstance(x, list):
            out.extend(_flatten(x))
        else:
            out.append(x)
    return out


def _distinct(v: Any) -> list:
    out: list = []
    for x in _list(v):
        if x not in out:
            out.append(x)
    return out


def _compact(v: Any) -> list:
    return [x for x in _list(v) if x is not None and x != ""]


def _element(v: Any, i: Any) -> Any:
    items = _list(v)
    if not items:
        raise Failed
    index = _int(i)
    if index < 0:
        raise Failed
    return items[index % len(items)]


def _length(v: Any) -> int:
    if isinstance(v, (list, dict)):
        return len(v)
    if isinstance(v, str):
        return len(v)  # Terraform counts Unicode characters, as Python does for these strings
    raise Unknown


def _keys(v: Any) -> list:
    return sorted(_map(v))


def _values(v: Any) -> list:
    m = _map(v)
    return [m[k] for k in sorted(m)]


def _contains(v: Any, x: Any) -> bool:
    return any(type(i) is type(x) and i == x for i in _list(v))


def _join(sep: Any, *lists: Any) -> str:
    return _str(sep).join(_str(x) for v in lists for x in _list(v))


def _split(sep: Any, s: Any) -> list:
    text = _str(s)
    return [""] if text == "" else text.split(_str(sep))


def _format(spec: Any, *args: Any) -> str:
    """`format` with the verbs modules use: %s %d %v %%; anything else is unknown."""
    fmt, out, i, n = _str(spec), [], 0, 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        verb = fmt[i + 1] if i + 1 < len(fmt) else ""
        if verb == "%":
            out.append("%")
        elif verb in ("s", "v"):
            if n >= len(args):
                raise Failed
            out.append(_str(args[n]))
            n += 1
        elif verb == "d":
            if n >= len(args):
                raise Failed
            out.append(str(_int(args[n])))
            n += 1
        else:
            raise Unknown
        i += 2
    return "".join(out)


def _replace(s: Any, old: Any, new: Any) -> str:
    old_s = _str(old)
    if len(old_s) > 1 and old_s.startswith("/") and old_s.endswith("/"):
        raise Unknown  # a regular expression: RE2 syntax, not evaluated here
    return _str(s).replace(old_s, _str(new))


def _jsonencode(v: Any) -> str:
    import json  # here, not at the top: a hook run that needs no jsonencode pays nothing for it

    def norm(x: Any) -> Any:
        if isinstance(x, float) and x.is_integer():
            return int(x)
        if isinstance(x, dict):
            return {k: norm(x[k]) for k in sorted(x)}
        if isinstance(x, list):
            return [norm(i) for i in x]
        return x

    # Terraform escapes <, > and & in JSON strings, as Go's encoder does
    text = json.dumps(norm(v), separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _zipmap(keys: Any, values: Any) -> dict:
    ks, vs = _list(keys), _list(values)
    if len(ks) != len(vs):
        raise Failed
    return {_str(k): v for k, v in zip(ks, vs)}


def _one(v: Any) -> Any:
    items = _list(v)
    if len(items) > 1:
        raise Failed
    return items[0] if items else None


def _cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    import ipaddress

    try:
        net = ipaddress.ip_network(_str(prefix), strict=False)
        bits, num = _int(newbits), _int(netnum)
        new_prefix = net.prefixlen + bits
        if bits < 0 or new_prefix > net.max_prefixlen or num < 0 or num >= 2 ** bits:
            raise Failed
        size = 2 ** (net.max_prefixlen - new_prefix)
        base = int(net.network_address) + num * size
        return f"{ipaddress.ip_address(base)}/{new_prefix}"
    except ValueError:
        raise Failed from None


def _tostring(v: Any) -> Any:
    return None if v is None else _str(v)


def _tonumber(v: Any) -> Any:
    if v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)):
        return v
    if isinstance(v, str):
        try:
            return int(v)
        except ValueError:
            try:
                return float(v)
            except ValueError:
                raise Failed from None
    raise Failed


def _tobool(v: Any) -> Any:
    if v is None or isinstance(v, bool):
        return v
    if v in ("true", "false"):
        return v == "true"
    raise Failed


def _toset(v: Any) -> list:
    items = _list(v)
    if any(isinstance(x, (list, dict)) for x in items):
        raise Unknown
    if items and len({type(x) for x in items}) > 1:
        items = [_str(x) for x in items]  # a set has one element type: mixed values become strings
    return sorted(set(items), key=lambda x: (str(type(x)), x))


def _minmax(pick: Callable) -> Callable:
    def f(*args: Any) -> Any:
        if not args or any(isinstance(a, bool) or not isinstance(a, (int, float)) for a in args):
            raise Unknown
        return pick(args)
    return f


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "coalesce": _coalesce,
    "coalescelist": _coalescelist,
    "lookup": _lookup,
    "merge": _merge,
    "concat": _concat,
    "flatten": _flatten,
    "distinct": _distinct,
    "compact": _compact,
    "element": _element,
    "length": _length,
    "keys": _keys,
    "values": _values,
    "contains": _contains,
    "join": _join,
    "split": _split,
    "format": _format,
    "lower": lambda s: _str(s).lower(),
    "upper": lambda s: _str(s).upper(),
    "trimspace": lambda s: _str(s).strip(" \t\n\r\v\f"),
    "trimprefix": lambda s, p: _str(s)[len(_str(p)):] if _str(s).startswith(_str(p)) else _str(s),
    "trimsuffix": lambda s, p: _str(s)[: -len(_str(p))] if _str(p) and _str(s).endswith(_str(p)) else _str(s),
    "startswith": lambda s, p: _str(s).startswith(_str(p)),
    "endswith": lambda s, p: _str(s).endswith(_str(p)),
    "replace": _replace,
    "jsonencode": _jsonencode,
    "zipmap": _zipmap,
    "one": _one,
    "reverse": lambda v: list(reversed(_list(v))),
    "cidrsubnet": _cidrsubnet,
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "tolist": lambda v: _list(v),
    "toset": _toset,
    "tomap": lambda v: _map(v),
    "min": _minmax(min),
    "max": _minmax(max),
}


def call(name: str, args: list[Any]) -> Any:
    fn = FUNCTIONS.get(name)
    if fn is None:
        raise Unknown
    try:
        return fn(*args)
    except (Unknown, Failed):
        raise
    except TypeError:  # a wrong number of arguments: Terraform rejects the call
        raise Failed from None
    except (ValueError, IndexError, KeyError, OverflowError, ZeroDivisionError):
        raise Failed from None
