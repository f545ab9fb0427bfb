"""Intrinsic function values as a reviewer reads them in a message.

A template's body holds intrinsics in long form, with what iaclint resolved them to beside
them (`_Values` in template.py). A message shows them the way the template writes them
(`!Sub "${Env}-table"` in YAML, `{"Fn::Sub": "${Env}-table"}` in JSON) and, when the
parameters' defaults and the mappings give a plain string, what CloudFormation would pass
(`"prod-table"`). A NoEcho parameter is never resolved: CloudFormation masks it.
"""

from __future__ import annotations

import json
import re
from typing import Any

# keys template.py adds to an intrinsic to carry what it resolves to; not written by the user
_RESOLVED_KEYS = ("Default", "Defaults", "Value")
_MAX_INTRINSIC_KEYS = 1 + len(_RESOLVED_KEYS)
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_UNKNOWN = object()
# json.dumps(value, ensure_ascii=False) builds an encoder per call; every intrinsic of every
# resource is written out, so one encoder serves them all (same output)
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def intrinsic_name(value: Any) -> str | None:
    """`Ref` or `Fn::…` when `value` is an intrinsic function call, else None."""
    if not isinstance(value, dict) or len(value) > _MAX_INTRINSIC_KEYS:
        return None
    found = None
    for key in value:
        if key in _RESOLVED_KEYS:
            continue
        # every dict of every property is asked: most answer no at their first key
        if found is not None or not (key == "Ref" or (key.__class__ is str and key.startswith("Fn::"))):
            return None
        found = key
    return found


def annotate(body: dict, fmt: str, noecho: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(property path → the intrinsic as written, property path → the string it resolves to).

    The reference for what `template._Values.properties` records while it builds a body
    (tests/test_cfn_parser.py compares them); templates are read without it."""
    written: dict[str, str] = {}
    resolved: dict[str, str] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            if intrinsic_name(value) is not None:
                written[path] = as_json(value) if fmt == "json" else short_form(value)
                result = resolve(value, noecho)
                if isinstance(result, str):
                    resolved[path] = result
                return
            for key, item in value.items():
                # scalars hold no intrinsic: not worth a call each
                if isinstance(item, (dict, list)):
                    walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, (dict, list)):
                    walk(item, f"{path}.{index}" if path else str(index))

    walk(body, "")
    return written, resolved


def _written_only(value: Any) -> Any:
    if isinstance(value, dict):
        drop = _RESOLVED_KEYS if intrinsic_name(value) is not None else ()
        return {k: _written_only(v) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [_written_only(v) for v in value]
    return value


def as_json(value: Any) -> str:
    return _dumps(_written_only(value))


def short_form(value: Any) -> str:
    """YAML's short form: `!Ref Env`, `!GetAtt Db.Endpoint.Address`, `!Sub "${Env}-x"`,
    `!Join ["-", [!Ref Env, "x"]]`."""
    name = intrinsic_name(value)
    if name is None:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}: {short_form(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(short_form(v) for v in value) + "]"
        return "null" if value is None else _dumps(value)
    argument = value[name]
    tag = "!Ref" if name == "Ref" else "!" + name[len("Fn::"):]
    if name == "Ref" and isinstance(argument, str):
        return f"{tag} {argument}"
    if name == "Fn::GetAtt" and isinstance(argument, list) and all(isinstance(a, str) for a in argument):
        return f"{tag} {'.'.join(argument)}"
    return f"{tag} {short_form(argument)}"


def resolve(value: Any, noecho: set[str]) -> Any:
    """The plain string an intrinsic resolves to from what the template says, else `_UNKNOWN`."""
    if isinstance(value, str):
        return value
    name = intrinsic_name(value)
    if name == "Ref":
        default = value.get("Default")
        return default if isinstance(default, str) and value["Ref"] not in noecho else _UNKNOWN
    if name == "Fn::Sub":
        return _sub(value, noecho)
    if name == "Fn::FindInMap":
        keys = value["Fn::FindInMap"]
        secret_key = isinstance(keys, list) and any(isinstance(k, dict) and k.get("Ref") in noecho for k in keys)
        found = value.get("Value")
        return found if isinstance(found, str) and not secret_key else _UNKNOWN
    if name == "Fn::Join":
        argument = value["Fn::Join"]
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str) and isinstance(argument[1], list):
            parts = [resolve(item, noecho) for item in argument[1]]
            if all(isinstance(p, str) for p in parts):
                return argument[0].join(parts)
    return _UNKNOWN


def _sub(value: dict, noecho: set[str]) -> Any:
    argument = value["Fn::Sub"]
    if isinstance(argument, str):
        text, local = argument, {}
    elif isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str) and isinstance(argument[1], dict):
        text, local = argument
    else:
        return _UNKNOWN
    defaults = value.get("Defaults") or {}
    unknown = False

    def fill(match: re.Match) -> str:
        nonlocal unknown
        inner = match.group(1)
        if inner.startswith("!"):
            return "${" + inner[1:] + "}"  # `${!Literal}` is written out as `${Literal}`
        name = inner.strip()
        if name in local:
            got = resolve(local[name], noecho)
        elif name in defaults and name not in noecho:
            got = defaults[name]
        else:
            got = _UNKNOWN
        if not isinstance(got, str):
            unknown = True
            return ""
        return got

    out = _SUB_VARIABLE.sub(fill, text)
    return _UNKNOWN if unknown else out
