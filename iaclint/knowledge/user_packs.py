"""Team-owned knowledge packs: YAML files named in the configuration (format in rules/README.md)."""

from __future__ import annotations

from pathlib import Path

from iaclint.config import ConfigError
from iaclint.knowledge.packs import Fact

SECTIONS = ("replacement", "protection", "stateful")


def load_user_packs(paths: list[Path]) -> list[dict]:
    import yaml

    out = []
    for path in paths:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except OSError as exc:
            raise ConfigError(f"user pack {path}: cannot read: {exc.__class__.__name__}") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"user pack {path}: invalid YAML{where}") from None
        out.append(_convert(data or {}, path))
    return out


def _convert(data, path: Path) -> dict:
    if not isinstance(data, dict):
        raise ConfigError(f"user pack {path}: the top level must be a mapping")
    unknown = set(data) - set(SECTIONS)
    if unknown:
        shown = ", ".join(sorted(s for s in unknown if isinstance(s, str) and s.isidentifier() and len(s) <= 40))
        raise ConfigError(f"user pack {path}: {len(unknown)} unknown section(s){': ' + shown if shown else ''} "
                          f"(allowed: {', '.join(SECTIONS)})")
    for section in SECTIONS:
        if data.get(section) is not None and not isinstance(data[section], dict):
            raise ConfigError(f"user pack {path}: {section!r} must be a mapping of resource types")
    pack: dict[str, dict[str, list[Fact]]] = {s: {} for s in SECTIONS}
    source_default = f"user pack {path.name}"
    for rtype, entries in (data.get("replacement") or {}).items():
        for e in _list(entries, path, rtype):
            kind = str(e.get("kind", "force_new"))
            if kind not in ("force_new", "conditional", "create_only"):
                raise ConfigError(f"user pack {path}: {rtype}: kind must be force_new or conditional")
            pack["replacement"].setdefault(rtype, []).append(
                Fact(rtype, _req(e, "attribute", path, rtype), kind, str(e.get("source") or source_default))
            )
    for rtype, entries in (data.get("protection") or {}).items():
        for e in _list(entries, path, rtype):
            value = e.get("protects_when", True)
            value = ("true" if value else "false") if isinstance(value, bool) else str(value)
            pack["protection"].setdefault(rtype, []).append(
                Fact(rtype, _req(e, "attribute", path, rtype), value, str(e.get("source") or source_default))
            )
    for rtype, entry in (data.get("stateful") or {}).items():
        if not isinstance(entry, dict):
            entry = {"reason": str(entry)}
        pack["stateful"].setdefault(rtype, []).append(
            Fact(rtype, "", str(entry.get("reason") or "holds data (user pack)"), str(entry.get("source") or source_default))
        )
    return pack


def _list(entries, path, rtype) -> list[dict]:
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"user pack {path}: {rtype} must be a list of mappings")
    return entries


def _req(e: dict, key: str, path, rtype) -> str:
    if not e.get(key):
        raise ConfigError(f"user pack {path}: {rtype}: every entry needs {key!r}")
    return str(e[key])
