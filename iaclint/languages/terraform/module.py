"""Terraform module directories → resources with addresses, values and positions.

A Terraform module is a directory: resources are identified by address inside it, so moving
a block between files of one directory is not a change. Local child modules
(`source = "./modules/x"`) are followed, so nested addresses and the values passed into
them are known. Simple references (`var.x`, `local.y`, module inputs) are resolved to
literals, because agents often change a value indirectly.
"""

from __future__ import annotations

import posixpath
from typing import Any

from iaclint.core.facts import ModuleCall
from iaclint.core.model import Expr, Pos, Problem, Resource
from iaclint.core.record import FRESH, Record
from iaclint.digest import sha1_digest
from iaclint.languages.base import read_error, secret_texts
from iaclint.languages.terraform import hcl
from iaclint.languages.text import DecodeError, decode_lenient

META_ATTRS = {"count", "for_each", "depends_on", "provider"}
# Block types Terraform accepts at the top of a .tf file (up to 1.14); any other is an error.
TOP_LEVEL_BLOCKS = {
    "terraform", "provider", "variable", "locals", "output", "module", "resource", "data", "moved", "removed",
    "import", "check", "ephemeral", "action", "list",
}
META_BLOCKS = {"lifecycle", "connection", "provisioner"}
MAX_MODULE_DEPTH = 16


class Blocks(list):
    """A list of nested-block bodies (as opposed to an attribute whose value is a list).

    Kept distinct because a provider treats them differently: a force-new row on a block
    means adding or removing an element replaces, while nested fields decide for edits.
    """


class LoadedModule(Record):
    """One root module directory with its followed local children."""

    directory: str
    resources: dict[str, Resource]
    module_calls: dict[str, ModuleCall]
    moved: list[tuple[str, str, str, Pos]]  # from, to, path, pos
    removed: list[tuple[str, bool, str, Pos]]  # from, destroy, path, pos
    provider_features: dict[str, tuple[Any, str, Pos]]
    problems: list[Problem]  # side "after"; the loader sets the side
    files: list[str]
    broken_files: set[str]
    comments: dict[str, list]  # path -> [(Pos, text)]
    child_dirs: set[str]
    # every local module directory a call names, loaded or not (missing, too deep, a cycle):
    # what the result depends on besides the directory's own files
    local_sources: set[str]
    # the values of variables marked `sensitive = true`, as text: redacted from every message
    secrets: set[str]
    # (provider type, version constraint, file) from `required_providers` and legacy `provider`
    # `version` arguments, of the root module and every child it loads: Terraform must satisfy all
    provider_constraints: list[tuple[str, str, str]]

    def __init__(
        self,
        directory: str,
        resources: dict[str, Resource] = FRESH,
        module_calls: dict[str, ModuleCall] = FRESH,
        moved: list[tuple[str, str, str, Pos]] = FRESH,
        removed: list[tuple[str, bool, str, Pos]] = FRESH,
        provider_features: dict[str, tuple[Any, str, Pos]] = FRESH,
        problems: list[Problem] = FRESH,
        files: list[str] = FRESH,
        broken_files: set[str] = FRESH,
        comments: dict[str, list] = FRESH,
        child_dirs: set[str] = FRESH,
        local_sources: set[str] = FRESH,
        secrets: set[str] = FRESH,
        provider_constraints: list[tuple[str, str, str]] = FRESH,
    ) -> None:
        self.directory = directory
        self.resources = {} if resources is FRESH else resources
        self.module_calls = {} if module_calls is FRESH else module_calls
        self.moved = [] if moved is FRESH else moved
        self.removed = [] if removed is FRESH else removed
        self.provider_features = {} if provider_features is FRESH else provider_features
        self.problems = [] if problems is FRESH else problems
        self.files = [] if files is FRESH else files
        self.broken_files = set() if broken_files is FRESH else broken_files
        self.comments = {} if comments is FRESH else comments
        self.child_dirs = set() if child_dirs is FRESH else child_dirs
        self.local_sources = set() if local_sources is FRESH else local_sources
        self.secrets = set() if secrets is FRESH else secrets
        self.provider_constraints = [] if provider_constraints is FRESH else provider_constraints


# Native and JSON syntax; OpenTofu's `.tofu` forms are read instead of the `.tf` of the same name.
CONFIG_SUFFIXES = (".tf", ".tofu", ".tf.json", ".tofu.json")
TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")


def is_terraform_file(path: str) -> bool:
    return path.endswith(CONFIG_SUFFIXES)


def stem(path: str) -> str:
    """The name a configuration file has without its syntax: `main` for `main.tf.json`."""
    for suffix in (".tofu.json", ".tf.json", ".tofu", ".tf"):
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def is_override_file(path: str) -> bool:
    """`override.tf` and `*_override.tf` (and their .tofu and JSON forms): merged into the blocks they name."""
    name = stem(path.rpartition("/")[2])
    return name == "override" or name.endswith("_override")


def is_tfvars_file(path: str, directory: str) -> bool:
    name = path.rpartition("/")[2]  # the name test first: this runs for every file of every module
    return (name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith((".auto.tfvars", ".auto.tfvars.json"))) \
        and posixpath.dirname(path) == directory


class ParseCache:
    """Parses each (tree, path) once, however many module calls instantiate it.

    `shared` (a dict given to the caches of both sides) maps file content to its parse, so a
    file identical on both sides of a touched module directory is parsed once. A parse holds
    no path and is never mutated by the loader, so sharing it is safe.
    """

    def __init__(self, tree, shared: dict | None = None) -> None:
        self.tree = tree
        self._files: dict[str, Any] = {}
        self._shared = shared
        self._keys: dict[str, bytes] = {}  # path -> its key in `shared`
        self.flaws: dict[str, Problem] = {}  # files read despite a flaw (invalid UTF-8): reported, not dropped

    def get(self, path: str):
        if path not in self._files:
            self._files[path] = self._parse(path)
        return self._files[path]

    def _parse(self, path: str):
        try:
            raw = self.tree.read(path)
        except FileNotFoundError:
            return Problem(path, Pos(1), "file disappeared while reading")
        except Exception as exc:  # FileTooLarge, permission errors
            return Problem(path, Pos(1), _read_error(exc))
        try:
            data, flaw = decode_lenient(raw)
        except DecodeError as exc:
            return Problem(path, Pos(exc.line or 1), str(exc))
        if flaw is not None:  # read anyway: a stray byte in a comment must not hide resources
            self.flaws[path] = Problem(path, Pos(flaw[1]), flaw[0], fatal=False)
        syntax = "tfvars.json" if path.endswith(".tfvars.json") else "json" if path.endswith(".json") else "native"
        if self._shared is None:
            return _parse(data, syntax)
        key = self._keys[path] = sha1_digest(data) + syntax.encode()
        parsed = self._shared.get(key)
        if parsed is None:
            parsed = self._shared[key] = _parse(data, syntax)
        return parsed

    def forget(self, paths) -> None:
        """Drop the parses of files no later load needs. A parse holds its syntax tree, about 20
        times the file's size: kept for a whole tree, 20,000 resources took 650 MB."""
        for path in paths:
            self._files.pop(path, None)
            key = self._keys.pop(path, None)
            if key is not None and self._shared is not None:
                self._shared.pop(key, None)


def _parse(data: bytes, syntax: str):
    if syntax == "native":
        return hcl.parse(data)
    from iaclint.languages.terraform import json_syntax  # only a change with JSON syntax needs it

    return json_syntax.parse(data.decode("utf-8"), tfvars=syntax == "tfvars.json")


def _read_error(exc: Exception) -> str:
    from iaclint.inputs.trees import MAX_FILE_BYTES, FileTooLarge

    if isinstance(exc, FileTooLarge):
        return f"file is larger than the {MAX_FILE_BYTES / (1024 * 1024):g} MiB limit; not read"
    return read_error(exc)


class ModuleDirs(dict):
    """Directory -> its configuration files, for every directory that has any; `tfvars` holds
    each directory's variable files. Both come from one pass over the tree, so a run that loads
    many modules never lists the tree again for each (which made big trees quadratic)."""

    def __init__(self) -> None:
        super().__init__()
        self.tfvars: dict[str, list[str]] = {}

    def tfvars_of(self, directory: str) -> list[str]:
        """The variable files Terraform reads for a root module in `directory`, sorted."""
        return list(self.tfvars.get(directory, []))


def module_dirs(tree) -> ModuleDirs:
    dirs = ModuleDirs()
    any_tofu = False
    # every file of the tree, twice a hook run: the suffix tests inline, and a tree's relative
    # paths cut at their last "/" (what posixpath.dirname gives them, without its call)
    for p in tree.files():
        if p.endswith(CONFIG_SUFFIXES):
            dirs.setdefault(p.rpartition("/")[0], []).append(p)
            any_tofu = any_tofu or p.endswith((".tofu", ".tofu.json"))
        elif p.endswith(TFVARS_SUFFIXES):
            d = posixpath.dirname(p)
            if is_tfvars_file(p, d):
                dirs.tfvars.setdefault(d, []).append(p)
    for d, files in dirs.items():
        if not any_tofu:
            files.sort()
            continue
        # OpenTofu reads x.tofu instead of x.tf when both are there (and x.tofu.json instead of x.tf.json)
        tofu = {p[: -len(".tofu")] for p in files if p.endswith(".tofu")} | {p[: -len(".tofu.json")] + ".json" for p in files if p.endswith(".tofu.json")}
        dirs[d] = sorted(p for p in files if not (p.endswith(".tf") and p[: -len(".tf")] in tofu)
                         and not (p.endswith(".tf.json") and p[: -len(".tf.json")] + ".json" in tofu))
    for files in dirs.tfvars.values():
        files.sort()
    return dirs


def _located(block, path: str):
    """A copy of an override file's block whose positions name that file."""
    pos = Pos(block.pos.line, block.pos.column, block.pos.end_line, path)
    attrs = {k: hcl.Attribute(a.name, a.node, Pos(a.pos.line, a.pos.column, a.pos.end_line, path)) for k, a in block.attributes.items()}
    return hcl.Block(block.type, block.labels, attrs, [_located(b, path) for b in block.blocks], pos, block.end_line)


def _merged(orig, over):
    attrs = dict(orig.attributes)
    attrs.update(over.attributes)
    replaced = {b.type for b in over.blocks if b.type != "lifecycle"}
    blocks = [b for b in orig.blocks if b.type not in replaced]
    for ob in over.blocks:
        if ob.type == "lifecycle":
            i = next((i for i, b in enumerate(blocks) if b.type == "lifecycle"), None)
            if i is None:
                blocks.append(ob)
            else:
                blocks[i] = hcl.Block("lifecycle", [], {**blocks[i].attributes, **ob.attributes}, blocks[i].blocks, blocks[i].pos, blocks[i].end_line)
        else:
            blocks.append(ob)
    return hcl.Block(orig.type, orig.labels, attrs, blocks, orig.pos, orig.end_line)


def no_instances(meta: dict[str, Any]) -> bool:
    """`count` or `for_each` known to give no instance (`count = var.enabled ? 1 : 0` with
    `enabled = false`, an empty map): the block describes nothing that exists."""
    if "count" in meta:
        count = meta["count"]
        return (isinstance(count, (int, float)) and not isinstance(count, bool) and count <= 0) or count is False
    if "for_each" in meta:
        each = meta["for_each"]
        return isinstance(each, (dict, list, set, tuple)) and not isinstance(each, Expr) and len(each) == 0
    return False


def load_module(tree, directory: str, cache: ParseCache | None = None, dirs: ModuleDirs | None = None) -> LoadedModule:
    cache = cache or ParseCache(tree)
    dirs = dirs if dirs is not None else module_dirs(tree)
    out = LoadedModule(directory)
    tfvars = _load_tfvars(tree, directory, cache, out, dirs.tfvars_of(directory))
    _Loader(tree, cache, dirs, out).load(directory, prefix="", inputs=None, tfvars=tfvars, depth=0, chain=())
    return out


def _load_tfvars(tree, directory: str, cache: ParseCache, out: LoadedModule, names: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    # terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) in lexical order: later ones win, as in Terraform
    names.sort(key=lambda p: (p.rpartition("/")[2] not in ("terraform.tfvars", "terraform.tfvars.json"), p))
    for p in names:
        parsed = cache.get(p)
        # A tfvars file Terraform would reject is reported like a broken .tf file, never read
        # silently. Values that end before its first error are still used: they are complete,
        # and dropping them would turn every use into an unknown (and a false replacement).
        if isinstance(parsed, Problem):
            out.problems.append(parsed)
            out.broken_files.add(p)
            continue
        if p in cache.flaws:
            out.problems.append(cache.flaws[p])
        first_error = parsed.errors[0][0].line if parsed.errors else None
        if first_error is not None:
            out.problems.append(Problem(p, parsed.errors[0][0], parsed.errors[0][1]))
            out.broken_files.add(p)
        for name, attr in parsed.top_attributes.items() if hasattr(parsed, "top_attributes") else []:
            if first_error is not None and (attr.pos.end_line or attr.pos.line) >= first_error:
                continue
            values[name] = hcl.evaluate(attr.node)
    return values


class _Loader:
    def __init__(self, tree, cache: ParseCache, dirs: ModuleDirs, out: LoadedModule) -> None:
        self.tree = tree
        self.cache = cache
        self.dirs = dirs
        self.out = out
        # module call prefixes ("module.x.") whose count/for_each is known to give no instance
        self.zero_prefixes: set[str] = set()

    def load(self, directory: str, prefix: str, inputs: dict[str, Any] | None, tfvars: dict[str, Any], depth: int, chain: tuple) -> None:
        files = self.dirs.get(directory, [])
        # git trees: one `cat-file --batch` for the directory's files not read yet (not one per file)
        self.tree.prefetch(files)
        parsed_files = []
        for path in files:
            parsed = self.cache.get(path)
            if isinstance(parsed, Problem):
                self._broken(parsed)
                continue
            self._flawed(path)
            if parsed.errors:
                pos, msg = parsed.errors[0]
                self._broken(Problem(path, pos, msg))
                continue
            if parsed.top_attributes:
                name, attr = next(iter(parsed.top_attributes.items()))
                self._broken(Problem(path, attr.pos, f"argument {name!r} outside a block is not valid in a .tf file"))
                continue
            unknown = next((b for b in parsed.blocks if b.type not in TOP_LEVEL_BLOCKS), None)
            if unknown is not None:
                # Terraform rejects the file; read on, a misspelt `resouce` block would vanish silently
                self._broken(Problem(path, unknown.pos, f"unsupported block type {unknown.type!r}"))
                continue
            parsed_files.append((path, parsed))
            if prefix == "" or path not in self.out.comments:
                self.out.comments[path] = parsed.comments
            if prefix == "":
                self.out.files.append(path)

        units = self._merge_overrides(parsed_files)
        variables: dict[str, Any] = {}
        local_nodes: dict[str, Any] = {}
        sensitive: list[str] = []
        for path, blocks, _ in units:
            for b in blocks:
                if b.type == "variable" and b.labels:
                    default = b.attributes.get("default")
                    if default is not None:
                        variables[b.labels[0]] = hcl.evaluate(default.node)
                    flag = b.attributes.get("sensitive")
                    if flag is not None and hcl.evaluate(flag.node) is True:
                        sensitive.append(b.labels[0])
                elif b.type == "locals":
                    for name, attr in b.attributes.items():
                        local_nodes[name] = attr.node

        scope = _Scope(variables, tfvars if inputs is None else {}, inputs, local_nodes)
        for name in sensitive:
            for source in (inputs or {}, tfvars if inputs is None else {}, variables):
                if name in source:
                    self.out.secrets.update(secret_texts(source[name]))

        for path, blocks, comments in units:
            for b in blocks:
                if b.type == "resource" and len(b.labels) >= 2:
                    self._resource(b, path, prefix, scope, comments)
                elif b.type == "module" and b.labels:
                    self._module(b, path, directory, prefix, scope, tfvars, depth, chain, comments)
                elif b.type == "moved":
                    frm, to = _ref_text(b.attributes.get("from")), _ref_text(b.attributes.get("to"))
                    if frm and to:
                        self.out.moved.append((prefix + frm, prefix + to, path, b.pos))
                elif b.type == "removed":
                    frm = _ref_text(b.attributes.get("from"))
                    destroy = True
                    lc = b.block("lifecycle")
                    if lc and "destroy" in lc.attributes:
                        destroy = hcl.evaluate(lc.attributes["destroy"].node, scope.resolve) is not False
                    if frm:
                        self.out.removed.append((prefix + frm, destroy, path, b.pos))
                elif b.type == "terraform":
                    self._required_providers(b, path)
                elif b.type == "provider" and b.labels and "version" in b.attributes:
                    # the legacy way to constrain a provider's version (Terraform 0.12 and before)
                    version = hcl.evaluate(b.attributes["version"].node, scope.resolve)
                    if isinstance(version, str):
                        self.out.provider_constraints.append((b.labels[0].lower(), version, path))
                if b.type == "provider" and prefix == "" and b.labels:
                    feats = b.block("features")
                    if feats is not None:
                        for sub in feats.blocks:
                            for name, attr in sub.attributes.items():
                                key = f"{b.labels[0]}.{sub.type}.{name}"
                                self.out.provider_features[key] = (hcl.evaluate(attr.node, scope.resolve), path, attr.pos)

    def _required_providers(self, block, path: str) -> None:
        """`required_providers { aws = { source = "hashicorp/aws", version = "~> 4.0" } }` (or the
        0.12 form `aws = "~> 4.0"`): the provider type is the source's last part, else the local name."""
        for inner in block.blocks:
            if inner.type != "required_providers":
                continue
            for name, attr in inner.attributes.items():
                value = hcl.evaluate(attr.node)
                source, version = name, None
                if isinstance(value, str):
                    version = value
                elif isinstance(value, dict):
                    version = value.get("version")
                    if isinstance(value.get("source"), str):
                        source = value["source"]
                if isinstance(version, str):
                    self.out.provider_constraints.append((source.rstrip("/").rsplit("/", 1)[-1].lower(), version, path))

    def _merge_overrides(self, parsed_files: list) -> list[tuple[str, list, list]]:
        """(path, blocks, comments) per file, with the override files merged into the blocks
        they name, as Terraform does: an argument replaces the same argument, a nested block
        replaces every block of its type, `lifecycle` merges argument by argument, a local
        value replaces the same local. An override of nothing is an error, as in Terraform."""
        normal = [(p, list(parsed.blocks), parsed.comments) for p, parsed in parsed_files if not is_override_file(p)]
        overrides = [(p, parsed) for p, parsed in parsed_files if is_override_file(p)]
        for path, parsed in overrides:
            for ob in parsed.blocks:
                ob = _located(ob, path)
                if ob.type == "terraform":
                    continue  # settings, not configuration objects
                hit = False
                for _, blocks, _ in normal:
                    for i, b in enumerate(blocks):
                        if b.type == ob.type and b.labels == ob.labels:
                            blocks[i] = _merged(b, ob)
                            hit = True
                if ob.type == "locals":
                    hit = True  # each local replaces the same-named local (or is new)
                    for _, blocks, _ in normal:
                        for i, b in enumerate(blocks):
                            if b.type == "locals":
                                blocks[i] = hcl.Block(b.type, b.labels, {k: v for k, v in b.attributes.items()
                                                                          if k not in ob.attributes}, b.blocks, b.pos, b.end_line)
                    normal.append((path, [ob], parsed.comments))
                if not hit:
                    self._broken(Problem(path, ob.pos, f"override of {ob.type} {' '.join(ob.labels)} that is defined nowhere else (Terraform rejects it)"))
        return normal

    def _flawed(self, path: str) -> None:
        flaw = self.cache.flaws.get(path)
        if flaw is not None and flaw not in self.out.problems:
            self.out.problems.append(flaw)

    def _broken(self, problem: Problem) -> None:
        # Reported for a child module's file too, once however many calls load it: otherwise a
        # broken module file would drop its resources without a word.
        if problem.path not in self.out.broken_files:
            self.out.problems.append(problem)
        self.out.broken_files.add(problem.path)

    def _resource(self, b, path: str, prefix: str, scope: "_Scope", comments: list) -> None:
        rtype, rname = b.labels[0], b.labels[1]
        address = f"{prefix}{rtype}.{rname}"
        positions: dict[str, Pos] = {}
        sources: dict[str, str] = {}
        body = _body(b, scope, positions, "", top=True, sources=sources)
        meta: dict[str, Any] = {"end_line": b.end_line}
        for name in ("count", "for_each"):
            if name in b.attributes:
                meta[name] = hcl.evaluate(b.attributes[name].node, scope.resolve)
                positions[name] = b.attributes[name].pos
        if no_instances(meta) or any(prefix.startswith(z) for z in self.zero_prefixes):
            meta["zero_instances"] = True
        instances = _expand(b, scope, meta, body)
        if instances is not None:
            meta["instances"] = instances
        lc = b.block("lifecycle")
        if lc is not None:
            positions["lifecycle"] = lc.pos
            for name, attr in lc.attributes.items():
                positions["lifecycle." + name] = attr.pos
                if name == "ignore_changes":
                    meta[name] = _ignore_list(attr.node)
                else:
                    meta[name] = hcl.evaluate(attr.node, scope.resolve)
        res = Resource(
            address=address,
            type=rtype,
            stack=self.out.directory,
            path=path,
            pos=b.pos,
            body=body,
            positions=positions,
            language="terraform",
            meta=meta,
            module=prefix,
            comments=_comments_for(comments, b.pos.line, b.end_line),
            sources=sources,
        )
        self.out.resources[address] = res

    def _module(self, b, path, directory, prefix, scope, tfvars, depth, chain, comments) -> None:
        name = b.labels[0]
        address = f"{prefix}module.{name}"
        src_attr = b.attributes.get("source")
        source = hcl.evaluate(src_attr.node) if src_attr else ""
        source = source if isinstance(source, str) else ""
        local_dir = None
        if source.startswith("./") or source.startswith("../"):
            joined = posixpath.normpath(posixpath.join(directory or ".", source))
            local_dir = "" if joined == "." else joined
            if local_dir.startswith(".."):
                local_dir = None  # outside the compared tree
            else:
                self.out.local_sources.add(local_dir)
        args: dict[str, Any] = {}
        positions: dict[str, Pos] = {}
        for aname, attr in b.attributes.items():
            if aname in ("source", "version", "providers", "depends_on", "count", "for_each"):
                continue
            args[aname] = hcl.evaluate(attr.node, scope.resolve)
            positions[aname] = attr.pos
        meta = {
            n: hcl.evaluate(b.attributes[n].node, scope.resolve) for n in ("count", "for_each", "version") if n in b.attributes
        }
        meta["end_line"] = b.end_line
        if no_instances(meta) or any(prefix.startswith(z) for z in self.zero_prefixes):
            meta["zero_instances"] = True
            self.zero_prefixes.add(address + ".")
        self.out.module_calls[address] = ModuleCall(
            address, path, b.pos, source, local_dir, args, meta, _comments_for(comments, b.pos.line, b.end_line)
        )
        if local_dir is not None and local_dir in self.dirs and depth < MAX_MODULE_DEPTH and local_dir not in chain:
            self.out.child_dirs.add(local_dir)
            self._loader_child(local_dir, address + ".", args, depth, chain + (directory,))

    def _loader_child(self, local_dir, prefix, args, depth, chain) -> None:
        self.load(local_dir, prefix, inputs=args, tfvars={}, depth=depth + 1, chain=chain)


class _Scope:
    def __init__(self, variables, tfvars, inputs, local_nodes) -> None:
        self.variables = variables
        self.tfvars = tfvars
        self.inputs = inputs
        self.local_nodes = local_nodes
        self._locals: dict[str, Any] = {}
        self._resolving: set[str] = set()

    def resolve(self, ref: list[str]) -> Any:
        head = ref[0]
        if head == "var" and len(ref) >= 2:
            name = ref[1]
            if self.inputs is not None and name in self.inputs:
                value = self.inputs[name]
            elif name in self.tfvars:
                value = self.tfvars[name]
            elif name in self.variables:
                value = self.variables[name]
            else:
                raise KeyError(name)
            return _walk(value, ref[2:])
        if head == "local" and len(ref) >= 2:
            name = ref[1]
            if name not in self._locals:
                if name not in self.local_nodes or name in self._resolving:
                    raise KeyError(name)
                self._resolving.add(name)
                try:
                    self._locals[name] = hcl.evaluate(self.local_nodes[name], self.resolve)
                finally:
                    self._resolving.discard(name)
            return _walk(self._locals[name], ref[2:])
        raise KeyError(head)


def _walk(value: Any, rest: list[str]) -> Any:
    for key in rest:
        if isinstance(value, dict) and key in value:
            value = value[key]
        else:
            raise KeyError(key)
    if isinstance(value, Expr):
        raise KeyError("unknown")
    return value


MAX_EXPANDED = 32  # instances evaluated one by one; beyond that, the resource is judged as a whole


class _Bound:
    """A scope with `count.index` or `each.key`/`each.value` bound for one instance."""

    def __init__(self, scope, names: dict[str, Any]) -> None:
        self.scope = scope
        self.names = names

    def resolve(self, ref: list[str]) -> Any:
        if ref[0] in self.names:
            return _walk(self.names[ref[0]], ref[1:])
        return self.scope.resolve(ref)


def _mentions(value: Any, needles: tuple[str, ...]) -> bool:
    if isinstance(value, Expr):
        return any(n in value.text for n in needles)
    if isinstance(value, dict):
        return any(_mentions(v, needles) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, needles) for v in value)
    return False


def _expand(block, scope, meta: dict[str, Any], body: dict[str, Any]) -> dict[str, dict] | None:
    """Each instance's body, as Terraform expands `count` and `for_each` with known values,
    when the body depends on `count.index` or `each`: `availability_zone = var.azs[count.index]`
    differs per instance, and so does what a change to `var.azs` replaces."""
    count, each = meta.get("count"), meta.get("for_each")
    if isinstance(count, int) and not isinstance(count, bool) and 0 < count <= MAX_EXPANDED:
        if not _mentions(body, ("count . index",)):
            return None
        return {f"[{i}]": _body(block, _Bound(scope, {"count": {"index": i}}), {}, "", top=True) for i in range(count)}
    if isinstance(each, (dict, list)) and 0 < len(each) <= MAX_EXPANDED and not _mentions(each, ("",)):  # "" : any unknown
        if not _mentions(body, ("each . ",)):
            return None
        pairs = list(each.items()) if isinstance(each, dict) else [(k, k) for k in each]
        if any(not isinstance(k, (str, int, float)) or isinstance(k, bool) for k, _ in pairs):
            return None
        out = {}
        for k, v in pairs:
            key = hcl._to_str(k)
            out[f'["{key}"]'] = _body(block, _Bound(scope, {"each": {"key": key, "value": v}}), {}, "", top=True)
        return out
    return None


def _body(block, scope: _Scope, positions: dict[str, Pos], prefix: str, top: bool = False,
          sources: dict[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name, attr in block.attributes.items():
        if top and name in META_ATTRS:
            continue
        body[name] = hcl.evaluate(attr.node, scope.resolve)
        positions[prefix + name] = attr.pos
        if sources is not None:
            written = hcl.written(attr.node)
            if written is not None:
                sources[prefix + name] = written
    for sub in block.blocks:
        if top and sub.type in META_BLOCKS:
            continue
        if sub.type == "dynamic" and sub.labels:
            key = sub.labels[0]
            content = sub.block("content")
            inner = _body(content, scope, positions, prefix + key + ".", sources=sources) if content else {}
            for_each = sub.attributes.get("for_each")
            each = hcl.evaluate(for_each.node, scope.resolve) if for_each else None
            if each is None or each == [] or each == {}:
                continue  # known to produce no block at all: the same as not writing it
            inner["__dynamic_for_each__"] = each
            body.setdefault(key, Blocks()).append(inner)
            positions.setdefault(prefix + key, sub.pos)
            continue
        key = sub.type
        positions.setdefault(prefix + key, sub.pos)
        body.setdefault(key, Blocks()).append(_body(sub, scope, positions, prefix + key + ".", sources=sources))
    return body


def _ref_text(attr) -> str:
    if attr is None:
        return ""
    return "".join(hcl.normalized_text(attr.node).split())


def _ignore_list(node) -> Any:
    value = hcl.evaluate(node)
    if isinstance(value, list):
        names = []
        for v in value:
            names.append("".join(v.text.split()) if isinstance(v, Expr) else str(v))
        return names
    if isinstance(value, Expr) and value.text.strip() == "all":
        return "all"
    return value


def _comments_for(comments: list, start: int, end: int) -> list:
    """Comments inside the block, plus the contiguous comment lines just above it."""
    out = [c for c in comments if start <= c[0].line <= end]
    line = start - 1
    above = {c[0].line: c for c in comments}
    while line in above:
        out.insert(0, above[line])
        line -= 1
    return out
