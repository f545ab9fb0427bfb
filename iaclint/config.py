"""Configuration from `[tool.iaclint]` in pyproject.toml or `.iaclint.toml`, validated strictly.

An unknown key or a wrong type is a usage error with a one-line message: a typo in a
linter's configuration must not silently turn a check off.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

KNOWN: dict[str, type | tuple] = {
    "fail_on": str,
    "select": list,
    "ignore": list,
    "severity": dict,
    "exclude": list,
    "broad_deletion_threshold": int,
    "packs": list,
    "format": str,
    "docs_url": str,  # where docs/rules.md is published: the rule links of markdown and SARIF
}


from iaclint.core.record import FRESH, Record
from iaclint.errors import ConfigError  # noqa: E402,F401  (where callers have always found it)


class Config(Record):
    """The configuration file's values, and where they came from."""

    values: dict[str, Any]
    path: Path | None = None

    def __init__(self, values: dict[str, Any] = FRESH, path: Path | None = None) -> None:
        self.values = {} if values is FRESH else values
        self.path = path

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    return tomllib


def load(explicit: str | None, start: Path) -> Config:
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"config file not found: {explicit}")
        return _from_file(path, required=True)
    for directory in [start, *start.parents]:
        for name in (".iaclint.toml", "pyproject.toml"):
            candidate = directory / name
            if candidate.is_file():
                cfg = _from_file(candidate, required=name == ".iaclint.toml")
                if cfg.values or name == ".iaclint.toml":
                    return cfg
        if (directory / ".git").exists():
            break
    return Config()


def _from_file(path: Path, required: bool) -> Config:
    try:
        data = _toml().loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc.__class__.__name__}") from None
    except Exception as exc:  # tomllib.TOMLDecodeError
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        section = data.get("tool", {}).get("iaclint", {})
    else:
        section = data.get("tool", {}).get("iaclint", data)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.iaclint] must be a table")
    for key, value in section.items():
        want = KNOWN.get(key)
        if want is None:
            raise ConfigError(f"{path}: unknown key {key!r} (known: {', '.join(sorted(KNOWN))})")
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise ConfigError(f"{path}: {key!r} must be a {want.__name__}, not {type(value).__name__}")
    for key in ("select", "ignore", "exclude", "packs"):
        if not all(isinstance(v, str) for v in section.get(key, [])):
            raise ConfigError(f"{path}: {key!r} must be a list of strings")
    for name, sev in section.get("severity", {}).items():
        if sev not in ("error", "warning", "note"):
            raise ConfigError(f"{path}: severity for {name!r} must be error, warning or note")
    if "fail_on" in section and section["fail_on"] not in ("error", "warning", "note", "never"):
        raise ConfigError(f"{path}: fail_on must be error, warning, note or never")
    if "format" in section:
        from iaclint.output import FORMATTERS

        if section["format"] not in FORMATTERS:
            raise ConfigError(f"{path}: format must be one of {', '.join(FORMATTERS)}")
    if section.get("broad_deletion_threshold", 1) < 1:
        raise ConfigError(f"{path}: broad_deletion_threshold must be at least 1")
    return Config(section, path)
