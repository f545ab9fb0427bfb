"""Run iaclint over real-world collections and report crashes, parse errors, time, slowest units.

Every Terraform module directory (a directory holding .tf files) and every template-like file
(.yaml .yml .json .template .cfn .cform) under the given directories is linted as an addition:
an empty directory (or an empty file of the same name) against it, through the same
`iaclint.pipeline.lint` + `render` the CLI uses, in-process. A module directory is read with
everything under it, as `iaclint diff EMPTY DIR` would.

  crash        an exception out of lint/render, or a usage error (the CLI's exit 2)
  parse error  an IAC001 finding (iaclint could not read a file it was given)

Run:  python benchmarks/corpus.py DIR... [--slowest 10] [--json out.json] [--show-parse-errors]
Exit status 1 when anything crashed. The corpora are not ours: never commit them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".cfn", ".cform")
SKIP_DIRS = {".git", ".terraform", "node_modules", ".venv", "__pycache__"}


def discover(top: Path) -> tuple[list[Path], list[Path]]:
    """(module directories, template-like files) under top, symlinks not followed."""
    modules, templates = [], []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        d = Path(dirpath)
        if any(f.endswith(".tf") and not (d / f).is_symlink() for f in filenames):
            modules.append(d)
        for f in sorted(filenames):
            if f.lower().endswith(TEMPLATE_SUFFIXES) and not (d / f).is_symlink():
                templates.append(d / f)
    return modules, templates


def lint_one(before: Path, after: Path, cwd: Path) -> dict:
    from iaclint.cli import InputError
    from iaclint.config import ConfigError
    from iaclint.output import render
    from iaclint.pipeline import RunOptions, exit_code, lint

    start = time.perf_counter()
    out: dict = {"crash": None, "parse_errors": [], "findings": 0, "exit": None}
    try:
        result = lint(RunOptions(paths=[str(before), str(after)], cwd=str(cwd)))
        render(result, "json")
        render(result, "text")
        out["exit"] = exit_code(result.findings, "warning")
        out["findings"] = len(result.findings)
        out["resources"] = result.summary.get("resources_after", 0)
        out["parse_errors"] = [f"{f.path}:{f.line}: {f.message}" for f in result.findings if f.rule == "IAC001"]
    except (InputError, ConfigError) as exc:
        out["exit"] = 2
        out["crash"] = f"exit 2: {exc}"
    except Exception as exc:  # the point of this script: anything else (RecursionError too) is a crash
        out["crash"] = f"{exc.__class__.__name__}: {exc}\n{traceback.format_exc(limit=-6)}"
    out["seconds"] = time.perf_counter() - start
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--slowest", type=int, default=10)
    ap.add_argument("--json", dest="json_out", type=Path, help="write every unit's result to this file")
    ap.add_argument("--show-parse-errors", action="store_true")
    args = ap.parse_args()

    units: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="iaclint-corpus-") as tmp:
        empty_dir = Path(tmp, "empty")
        empty_dir.mkdir()
        t_all = time.perf_counter()
        for top in args.dirs:
            if not top.is_dir():
                print(f"not a directory: {top}", file=sys.stderr)
                return 2
            modules, templates = discover(top)
            for d in modules:
                res = lint_one(empty_dir, d, d)
                units.append({"corpus": str(top), "kind": "terraform", "path": str(d), **res})
            for f in templates:
                empty_file = Path(tmp, "files", f.name)
                empty_file.parent.mkdir(exist_ok=True)
                empty_file.write_bytes(b"")
                res = lint_one(empty_file, f, f.parent)
                units.append({"corpus": str(top), "kind": "template", "path": str(f), **res})
        total = time.perf_counter() - t_all

    crashes = [u for u in units if u["crash"]]
    print(f"{'corpus':<44} {'tf dirs':>7} {'templates':>9} {'crashes':>7} {'parse err':>9} {'seconds':>8}")
    for top in args.dirs:
        mine = [u for u in units if u["corpus"] == str(top)]
        print(f"{str(top):<44} {sum(u['kind'] == 'terraform' for u in mine):>7} "
              f"{sum(u['kind'] == 'template' for u in mine):>9} {sum(bool(u['crash']) for u in mine):>7} "
              f"{sum(len(u['parse_errors']) for u in mine):>9} {sum(u['seconds'] for u in mine):>8.2f}")
    print(f"{'total':<44} {sum(u['kind'] == 'terraform' for u in units):>7} "
          f"{sum(u['kind'] == 'template' for u in units):>9} {len(crashes):>7} "
          f"{sum(len(u['parse_errors']) for u in units):>9} {total:>8.2f}")

    print(f"\nslowest {args.slowest}:")
    for u in sorted(units, key=lambda u: -u["seconds"])[: args.slowest]:
        print(f"  {u['seconds']:7.3f} s  {u['kind']:<9} {u['path']}")
    if args.show_parse_errors:
        print("\nparse errors:")
        for u in units:
            for e in u["parse_errors"]:
                print(f"  {u['path']}: {e}")
    if crashes:
        print(f"\nCRASHES ({len(crashes)}):")
        for u in crashes:
            print(f"  {u['path']}: {u['crash']}")
    if args.json_out:
        args.json_out.write_text(json.dumps(units, indent=1))
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
