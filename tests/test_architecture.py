"""The house rules of iaclint/: no import cycles, every rule registered, every language a loader.

The import graph counts every import, at module level and inside functions: a lazy import
buys start-up time, not a way around the layering.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "iaclint"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The iaclint module an imported name lives in (a name may be a module or an attribute)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            for t in targets:
                if t.startswith("iaclint"):
                    dep = _resolve(t, modules)
                    # importing a package's submodule runs the package's __init__ first: that is an edge too
                    if dep is not None and dep != name:
                        graph[name].add(dep)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    graph = import_graph()
    # a package that imports its own submodules is its face, not a cycle (`iaclint.cli` adds
    # its commands): drop the edges from a submodule up to its own package
    for name in graph:
        graph[name] = {d for d in graph[name] if not name.startswith(d + ".")}
    assert _cycles(graph) == []


def test_the_graph_sees_function_level_imports():
    graph = import_graph()
    assert "iaclint.pipeline" in graph["iaclint.cli.report"]  # imported inside run()


def test_every_rule_module_is_registered():
    from iaclint.engine.check import Check
    from iaclint.engine.registry import RULES

    defined = set()
    for path in (PACKAGE / "checks").rglob("*.py"):
        module = importlib.import_module(_module_name(path))
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Check) and value is not Check
                    and value.__module__ == module.__name__ and not value.__name__.startswith("_")):
                defined.add(value)
    assert defined == set(RULES)


def test_every_language_folder_has_a_loader():
    from iaclint.languages import LANGUAGES

    folders = {p.name for p in (PACKAGE / "languages").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == {lang.name for lang in LANGUAGES}
    for lang in LANGUAGES:
        loader = lang.loader()
        assert loader.language == lang.name and callable(loader.load)


def test_the_cascade_runs_after_the_rules_whose_replacements_it_follows():
    from iaclint.engine.registry import BY_CODE, RULES

    cascade = RULES.index(BY_CODE["IAC107"])
    assert all(RULES.index(BY_CODE[code]) < cascade for code in ("IAC101", "IAC103", "IAC104", "IAC105"))


def test_plan_readers_only_read():
    # a plan's findings come from the rules (each rule's `_planned`), never from its reader
    for reader in ("languages/terraform/plan.py", "languages/cloudformation/changeset.py"):
        source = (PACKAGE / reader).read_text()
        assert "Finding" not in source and "iaclint.checks" not in source and "iaclint.engine" not in source, reader
    from iaclint.engine.registry import RULES

    with_plan = {rule.code for rule in RULES if "_planned" in vars(rule)}
    assert with_plan == {"IAC101", "IAC102", "IAC201", "IAC203", "IAC209", "IAC301", "IAC303", "IAC304", "IAC305",
                         "IAC501"}
