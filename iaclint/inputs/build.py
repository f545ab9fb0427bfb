"""The user's inputs → the two sides of a change: which trees, which files changed, which moved.

Every input mode ends here as the same `Inputs`: two trees (`iaclint.inputs.trees`), the
changed paths and the renames, so the rest of the pipeline never asks how a change was given.
"""

from __future__ import annotations

import os
from pathlib import Path

from iaclint.core.record import Record
from iaclint.errors import InputError
from iaclint.inputs import trees


class Inputs(Record):
    """The two sides of a change, the changed paths and the renames."""

    before: object
    after: object
    changed: set[str]
    renames: dict[str, str]
    root: Path

    def __init__(self, before: object, after: object, changed: set[str], renames: dict[str, str], root: Path) -> None:
        self.before = before
        self.after = after
        self.changed = changed
        self.renames = renames
        self.root = root


def build_inputs(opts) -> Inputs:
    from iaclint.inputs.changes import changed_files, content_renames
    from iaclint.languages import is_relevant

    cwd = Path(opts.cwd or os.getcwd())
    if opts.head and not opts.base:
        raise InputError("--head needs --base")
    if opts.staged and opts.base:
        raise InputError("--staged and --base cannot be combined")
    if opts.patch is not None or opts.patch_text is not None:
        return _patch_inputs(opts, cwd)
    if opts.base or opts.staged:
        root = trees.repo_root(cwd, need_head=not opts.staged)
        rel_paths = _repo_relative(opts.paths, cwd, root)
        # The trees are whole revisions: a module directory is judged with all its files and
        # callers. PATH filters only choose which changed files are looked at.
        if opts.staged:
            before, after = trees.staged_trees(root)
            rename_args = None if isinstance(before, trees.EmptyTree) else ("HEAD", None, True)
        else:
            base_sha = trees.resolve_ref(root, opts.base)
            head_sha = trees.resolve_ref(root, opts.head) if opts.head else None
            merge_base = _merge_base(root, base_sha, head_sha or "HEAD")
            before = trees.GitRevTree(root, merge_base)
            before.label = opts.base
            after = trees.GitRevTree(root, head_sha) if head_sha else trees.WorkTree(root)
            rename_args = (merge_base, head_sha, False)
        if opts.confine:
            # the MCP server's root: nothing outside it is read, not even a caller of a module in it
            inside = _repo_relative([opts.confine], cwd, root)
            if inside:
                def within(path: str, inside=inside) -> bool:
                    return trees.under(path, inside)

                before, after = trees.Subset(before, within), trees.Subset(after, within)
        if rel_paths is None:
            changed = changed_files(before, after)
        else:
            _check_paths_exist(opts.paths, rel_paths, before, after, cwd)
            keep = _scope(rel_paths)
            changed = changed_files(trees.Subset(before, keep), trees.Subset(after, keep))
        # git's rename detection is a whole diff: ask only when a file this change touches vanished
        vanished = any(before.exists(p) and not after.exists(p) for p in changed)
        renames = trees.git_renames(root, *rename_args[:2], staged=rename_args[2]) if rename_args and vanished else {}
        # files moved without git knowing (a plain `mv`, the new file untracked)
        for old, new in content_renames(before, after, changed).items():
            if old not in renames and new not in renames.values():
                renames[old] = new
        return Inputs(before, after, changed, renames, root)

    if len(opts.paths) != 2:
        raise InputError("give BEFORE and AFTER (two files or two directories), --base REF, --staged, "
                         "or --patch FILE|- [ROOT] (a unified diff against the tree)")
    b, a = (Path(p) for p in opts.paths)
    for p in (b, a):
        if not p.exists():
            raise InputError(f"no such file or directory: {p}")
    if b.is_dir() != a.is_dir():
        raise InputError(f"cannot compare a {'directory' if b.is_dir() else 'file'} with a "
                         f"{'directory' if a.is_dir() else 'file'}: {b} vs {a}")
    if b.is_dir():
        before, after = trees.DirTree(b), trees.DirTree(a)
        root = a
    else:
        name = a.name
        # `main.tf` against `main.tf.json`: one module in two syntaxes, each read as what it is
        b_name = b.name if _syntax(b.name) != _syntax(a.name) and _kind(b.name) == _kind(a.name) else name
        before, after = trees.SingleFileTree(b, b_name), trees.SingleFileTree(a, name)
        root = a.parent
        if not is_relevant(name) and not is_relevant(b.name):
            raise InputError(f"{a.name}: not a Terraform file or a template iaclint reads (.tf, .tf.json, .tfvars, .yaml, .yml, .json, .template)")
        kinds = {_kind(b.name), _kind(a.name)}
        if len(kinds) > 1:
            # compared under one name, one side would be read as the other's language and every
            # resource of it would vanish unreported
            raise InputError(f"cannot compare {_kind(b.name)} with {_kind(a.name)}: {b} vs {a}")
    changed = changed_files(before, after)
    renames = content_renames(before, after, changed)
    return Inputs(before, after, changed, renames, root)


def _syntax(name: str) -> str:
    from iaclint.languages import TERRAFORM_JSON_SUFFIXES

    return "json" if name.endswith(TERRAFORM_JSON_SUFFIXES) else "native"


def _kind(name: str) -> str:
    from iaclint.languages import LANGUAGES

    for lang in LANGUAGES:
        if lang.claims(name):
            return {"terraform": "a Terraform file", "cloudformation": "a template", "python": "a Python program"}[lang.name]
    return "an unknown kind of file"


def _patch_inputs(opts, cwd: Path) -> Inputs:
    """ROOT (the one PATH, or the current directory) against ROOT with the patch applied."""
    from iaclint.inputs.changes import content_renames
    from iaclint.languages import is_relevant
    from iaclint.inputs.patch import patch_sides, read_patch_arg

    if opts.base or opts.staged:
        raise InputError("--patch cannot be combined with --base or --staged")
    if len(opts.paths) > 1:
        raise InputError("--patch takes one ROOT directory (default: the current directory)")
    root = cwd / opts.paths[0] if opts.paths else cwd
    if not root.is_dir():
        raise InputError(f"--patch: ROOT must be a directory: {opts.paths[0] if opts.paths else root}")
    text = opts.patch_text if opts.patch_text is not None else read_patch_arg(str(cwd / opts.patch) if opts.patch != "-" else "-")
    before, after, touched, patch_renames = patch_sides(text, trees.DirTree(root))
    changed = set()
    for p in touched:
        if not is_relevant(p):
            continue
        if before.exists(p) != after.exists(p) or before.read(p) != after.read(p):
            changed.add(p)
    renames = {o: n for o, n in patch_renames.items() if o in changed or n in changed}
    for old, new in content_renames(before, after, changed).items():
        if old not in renames and new not in renames.values():
            renames[old] = new
    return Inputs(before, after, changed, renames, root)


def _scope(rel_paths: list[str]):
    """PATH filters → a predicate on repository paths.

    A Terraform file stands for its module directory: a module is judged as a whole, so a
    file deleted or a block moved next to a named file is seen (pre-commit names only the
    files that still exist).
    """
    from iaclint.languages import TERRAFORM_SUFFIXES as TF_SUFFIXES

    modules = {trees.posix_dirname(p) for p in rel_paths if p.endswith(TF_SUFFIXES)}
    others = [p for p in rel_paths if not p.endswith(TF_SUFFIXES)]

    def keep(path: str) -> bool:
        return trees.under(path, others) or (path.endswith(TF_SUFFIXES) and trees.posix_dirname(path) in modules)

    return keep


def _check_paths_exist(given: list[str], rel_paths: list[str], before, after, cwd: Path) -> None:
    """A PATH that names nothing on either side is a typo, not an empty change."""

    everything = set(before.files()) | set(after.files())
    for shown, rel in zip(given, rel_paths):
        if (cwd / shown).exists() or rel in everything or any(trees.under(p, [rel]) for p in everything):
            continue
        raise InputError(f"no such file or directory: {shown}")


def _merge_base(root: Path, base: str, head: str) -> str:
    """Where the change forked from `base`. Without it, comparing with `base`'s tip would report
    the base branch's own new resources as deleted by this change: an error, never a fallback."""
    try:
        out = trees.git(["merge-base", "--end-of-options", base, head], root).decode().strip()
    except trees.TreeError:
        out = ""
    if out:
        return out
    try:
        shallow = trees.git(["rev-parse", "--is-shallow-repository"], root).decode().strip() == "true"
    except trees.TreeError:
        shallow = False
    if shallow:
        raise InputError(f"no merge base between {base} and {head}: the clone is shallow; fetch more history "
                         f"(`git fetch --deepen=200 origin`, or actions/checkout with `fetch-depth: 0`)")
    raise InputError(f"{base} and {head} have no common history: nothing to compare")


def _repo_relative(paths: list[str], cwd: Path, root: Path) -> list[str] | None:

    if not paths:
        return None
    out = []
    for p in paths:
        full = (cwd / p).resolve()
        try:
            rel = full.relative_to(root.resolve())
        except ValueError:
            raise InputError(f"path is outside the repository: {p}") from None
        out.append("" if str(rel) == "." else rel.as_posix())
    if "" in out:
        return None
    return out


