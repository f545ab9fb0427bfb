"""Static extraction of resource schemas from a Terraform provider's Go source.

`extract(gitdir, rev)` reads the provider at any git revision (no checkout) and returns one
`Row` per (resource type, attribute path): flags (R required, O optional, C computed,
D deprecated, S sensitive), a literal default, the replacement kind (force_new, conditional
or ""), and the source (file#function). SDKv2 (`map[string]*schema.Schema`, `Elem:
&schema.Resource{}`, `CustomizeDiff`) and Plugin Framework (`resp.Schema = schema.Schema{}`,
`Attributes`/`Blocks`, `RequiresReplace*` plan modifiers, `ModifyPlan`) are understood; schema
helper functions, package constants and merged maps are followed within the provider. What
could not be resolved is counted in `Result.unresolved`.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field

from gosrc import (Decl, GoFile, ParseError, Parser, func_body, func_params, list_tree, read_blobs,
                   resolve_rev, split_file, split_statements)

# --------------------------------------------------------------------------- values


@dataclass
class Struct:
    typ: str
    fields: dict
    origin: str  # file#func where the literal is written


@dataclass
class MapV:
    items: dict


@dataclass
class ListV:
    items: list


@dataclass
class CallV:  # a call we do not follow (outside the provider): name and evaluated args
    name: str
    args: list


@dataclass
class FuncV:
    decl: Decl


@dataclass
class FuncLitV:
    toks: list
    ctx: "Ctx"


@dataclass
class RawV:  # an expression kept unevaluated, with where it was written
    expr: tuple
    ctx: "Ctx"


@dataclass
class Sym:  # an external name (schema.TypeString) or something we cannot know
    name: str


# a default the schema sets that this reader cannot evaluate (a constant of another module, a
# call): written as "?" so the runtime knows unset is *some* value, not null
UNKNOWN_DEFAULT = "?"

UNKNOWN = Sym("?")


@dataclass
class Ctx:
    file: GoFile
    env: dict
    func: str


@dataclass
class Row:
    resource_type: str
    path: str
    flags: str
    default: str  # JSON literal or ""
    kind: str  # force_new | conditional | ""
    source: str
    in_schema: bool = True  # False: only a CustomizeDiff/ModifyPlan names it


@dataclass
class Result:
    rows: list[Row]
    resources: dict[str, str]  # type -> how it was registered
    unresolved: Counter = field(default_factory=Counter)  # reason -> count
    unresolved_types: Counter = field(default_factory=Counter)  # type -> unresolved attribute count
    module_revs: dict = field(default_factory=dict)  # helper module -> revision read
    debug: list = field(default_factory=list)  # (type, path, what was found) not resolved


# --------------------------------------------------------------------------- provider index


class Provider:
    def __init__(self, files: list[GoFile], module: str, name: str) -> None:
        self.module = module
        self.name = name
        self.files = files
        self.funcs: dict[tuple[str, str], Decl] = {}  # (pkgdir, name) -> decl
        self.methods: dict[tuple[str, str, str], Decl] = {}  # (pkgdir, type, name) -> decl
        self.values: dict[tuple[str, str], Decl] = {}  # (pkgdir, name) -> var/const decl
        self.dirs: set[str] = set()
        self._dir_of_import: dict[str, str | None] = {}
        self._memo: dict[int, object] = {}
        self._busy: set[int] = set()
        self.unresolved: Counter = Counter()
        self.regional: dict[str, str] = {}
        self._fields: dict = {}
        self.debug: list = []  # what could not be resolved, for whoever improves the reader
        self.requires: dict[str, str] = {}
        self.module_revs: dict[str, str] = {}
        self._index(files)

    def add_files(self, files: list[GoFile]) -> None:
        self.files = self.files + files
        self._index(files)
        self._dir_of_import.clear()

    def _index(self, files: list[GoFile]) -> None:
        for gf in files:
            self.dirs.add(gf.pkgdir)
            for d in gf.decls:
                if d.kind == "func":
                    if d.recv:
                        self.methods.setdefault((gf.pkgdir, d.recv, d.name), d)
                    else:
                        self.funcs.setdefault((gf.pkgdir, d.name), d)
                elif d.kind in ("var", "const"):
                    for nm in _spec_names(d.text):
                        self.values.setdefault((gf.pkgdir, nm), d)

    def dir_of_import(self, ipath: str) -> str | None:
        if ipath in self._dir_of_import:
            return self._dir_of_import[ipath]
        found = ipath if ipath in self.dirs else None
        if found is None and ("terraform-provider-" in ipath or (self.module and ipath.startswith(self.module))):
            parts = ipath.split("/")
            for k in range(len(parts)):
                rel = "/".join(parts[k:])
                for cand in (rel, "index/" + rel):
                    if cand in self.dirs:
                        found = cand
                        break
                if found:
                    break
        self._dir_of_import[ipath] = found
        return found

    # ---------------------------------------------------------------- evaluation

    def lookup(self, ctx: Ctx, name: str):
        if name in ctx.env:
            return ctx.env[name]
        if name == "true":
            return True
        if name == "false":
            return False
        if name == "nil":
            return None
        return self.package_name(ctx.file.pkgdir, name)

    def package_name(self, pkgdir: str, name: str):
        d = self.funcs.get((pkgdir, name))
        if d is not None:
            return FuncV(d)
        d = self.values.get((pkgdir, name))
        if d is not None:
            return self.value_of(d, name)
        return Sym(name)

    def value_of(self, decl: Decl, name: str):
        key = id(decl) * 1000003 + hash(name)
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            return UNKNOWN
        self._busy.add(key)
        val = UNKNOWN
        try:
            toks = decl.toks
            specs = _value_specs(toks)
            if name in specs:
                expr_toks = specs[name]
                if expr_toks is None and decl.kind == "const":
                    val = Sym(name)  # an iota constant: known by its name
                if expr_toks is not None:
                    p = Parser(expr_toks)
                    expr = p.parse_expr()
                    val = self.eval(expr, Ctx(decl.file, {}, name))
        except (ParseError, RecursionError, IndexError):
            val = UNKNOWN
        finally:
            self._busy.discard(key)
        self._memo[key] = val
        return val

    def eval(self, x, ctx: Ctx):
        k = x[0]
        if k == "str":
            return x[1]
        if k == "num":
            t = x[1].replace("_", "")
            try:
                return int(t, 0) if re.fullmatch(r"[0-9xXa-fA-FoObB]+", t) and not ("e" in t.lower() and not t.lower().startswith("0x")) else float(t)
            except ValueError:
                return UNKNOWN
        if k == "id":
            return self.lookup(ctx, x[1])
        if k == "sel":
            base = x[1]
            if base[0] == "id" and base[1] not in ctx.env and base[1] in ctx.file.imports:
                ipath = ctx.file.imports[base[1]]
                d = self.dir_of_import(ipath)
                v = Sym(base[1] + "." + x[2]) if d is None else self.package_name(d, x[2])
                if isinstance(v, Sym) and ipath.endswith("terraform-provider-aws/names") and x[2].startswith("Attr"):
                    self.unresolved["names.Attr constant derived from its identifier"] += 1
                    return attr_const_value(x[2])
                return v
            if base[0] == "id" and (base[1] + "." + x[2]) in ctx.env:
                return ctx.env[base[1] + "." + x[2]]
            bv = self.eval(base, ctx)
            if isinstance(bv, Struct):
                return bv.fields.get(x[2], UNKNOWN)
            return Sym(_text(x))
        if k == "unary":
            v = self.eval(x[2], ctx)
            if x[1] == "&":
                return v
            if x[1] == "-" and isinstance(v, (int, float)) and not isinstance(v, bool):
                return -v
            if x[1] == "!" and isinstance(v, bool):
                return not v
            return UNKNOWN
        if k == "bin":
            a = self.eval(x[2], ctx)
            b = self.eval(x[3], ctx)
            if x[1] == "+" and isinstance(a, str) and isinstance(b, str):
                return a + b
            if x[1] in ("+", "-", "*", "/") and all(isinstance(v, int) and not isinstance(v, bool) for v in (a, b)):
                try:
                    return {"+": a + b, "-": a - b, "*": a * b, "/": a // b if b else 0}[x[1]]
                except TypeError:
                    return UNKNOWN
            return UNKNOWN
        if k == "comp":
            typ = x[1]
            if typ.startswith("map["):
                items = {}
                for key, val in x[2]:
                    kv = self.eval(key, ctx) if key is not None else UNKNOWN
                    if not isinstance(kv, str) and key is not None and key[0] == "num":
                        kv = key[1]  # map[int]...: state upgraders and the like, not schemas
                    elif not isinstance(kv, str):
                        self.unresolved["map key"] += 1
                        self.debug.append(("map key", ctx.func, _text(key)))
                        kv = "?" + _text(key) if key is not None else "?"
                    items[kv] = self.eval(val, ctx)
                return MapV(items)
            if typ.startswith("["):
                return ListV([self.eval(v, ctx) for _k, v in x[2]])
            fields = {}
            for key, val in x[2]:
                if key is not None and key[0] == "id":
                    # CustomizeDiff is read as written (ForceScanner walks it), not evaluated
                    fields[key[1]] = RawV(val, ctx) if key[1] == "CustomizeDiff" else self.eval(val, ctx)
            return Struct(typ, fields, f"{_short(ctx.file.path)}#{ctx.func}")
        if k == "call":
            fn = x[1]
            if fn[0] == "id" and fn[1] in ("append",) and x[2]:
                base = self.eval(x[2][0], ctx)
                rest = [self.eval(a, ctx) for a in x[2][1:]]
                if isinstance(base, ListV):
                    return ListV(base.items + [r for r in rest if not isinstance(r, ListV)] +
                                 [i for r in rest if isinstance(r, ListV) for i in r.items])
                return UNKNOWN
            if fn[0] == "id" and fn[1] in ("string", "int", "int32", "int64", "float64", "bool") and len(x[2]) == 1 \
                    and fn[1] not in ctx.env:
                return self.eval(x[2][0], ctx)  # a conversion keeps the literal
            while fn[0] == "index":  # f[T](...): type arguments do not matter here
                fn = fn[1]
            fv = self.eval(fn, ctx) if fn[0] in ("id", "sel") else UNKNOWN
            args = [self.eval(a, ctx) for a in x[2]]
            if isinstance(fv, Sym) and fv.name.endswith(("sync.OnceValue", "sync.OnceFunc")) and args \
                    and isinstance(args[0], (FuncLitV, FuncV)):
                return args[0]  # sync.OnceValue(f)() is f()
            if isinstance(fv, Sym) and fv.name == "maps.Clone" and len(args) == 1 and isinstance(args[0], MapV):
                return MapV(dict(args[0].items))
            if isinstance(fv, Sym) and fv.name in ("strings.ToLower", "strings.ToUpper") and len(args) == 1 \
                    and isinstance(args[0], str):
                return args[0].lower() if fv.name.endswith("Lower") else args[0].upper()
            if fn[0] == "sel" and fn[2] == "LoadOrStore" and len(args) == 2:
                return args[1]  # a cache of schemas: the value stored
            if fn[0] == "sel" and fn[2].startswith("Is") and not args:
                base = self.eval(fn[1], ctx)
                if isinstance(base, Sym) and base.name.startswith(("Attr", "sdkschema.Attr")):
                    # aws AttrHandling: AttrOptionalComputed.IsOptional() and the like
                    return fn[2][2:] in base.name
            if isinstance(fv, FuncV):
                name = fv.decl.name
                if "Merge" in name and any(isinstance(a, MapV) for a in args):
                    merged: dict = {}
                    for a in args:
                        if isinstance(a, MapV):
                            merged.update(a.items)
                        else:
                            self.unresolved["merged map not resolved"] += 1
                    return MapV(merged)
                if "RequiresReplace" in name or name.startswith("Static"):
                    return CallV(name, args)  # a plan modifier or default: its name is the fact
                out = self.call(fv.decl, args)
                if isinstance(out, Sym) or out is None:
                    return CallV(fv.decl.name, args)
                return out
            if isinstance(fv, FuncLitV):
                return self.call_lit(fv, args)
            if fn[0] == "sel" and "__recv__" in ctx.env:
                md = self.method_of(ctx, fn[1], fn[2])
                if md is not None:
                    return self.call(md, args)
            if isinstance(fv, Sym):
                return CallV(fv.name, args)
            if fn[0] == "sel":  # method call on a value
                return CallV(_text(fn), args)
            return UNKNOWN
        if k == "funclit":
            return FuncLitV(x[1], ctx)
        if k == "index":
            base = self.eval(x[1], ctx)
            if isinstance(base, MapV) and len(x[2]) == 1:
                key = self.eval(x[2][0], ctx)
                if isinstance(key, str):
                    return base.items.get(key, UNKNOWN)
            if isinstance(base, FuncV):  # generic instantiation f[T]
                return base
            return UNKNOWN
        return UNKNOWN

    def method_of(self, ctx: Ctx, base, name: str) -> Decl | None:
        """The method `name` of the receiver (`r.m()`) or of one of its fields (`r.base.m()`)."""
        rname, rtype = ctx.env["__recv__"]
        pkgdir = ctx.file.pkgdir
        if base == ("id", rname):
            return self.methods.get((pkgdir, rtype, name))
        if base[0] == "sel" and base[1] == ("id", rname):
            ftype = self.field_type(pkgdir, rtype, base[2])
            if ftype:
                return self.methods.get((pkgdir, ftype, name))
        return None

    def field_type(self, pkgdir: str, typ: str, fname: str) -> str:
        key = (pkgdir, typ)
        if key not in self._fields:
            fields: dict[str, str] = {}
            for gf in self.files:
                if gf.pkgdir != pkgdir:
                    continue
                for d in gf.decls:
                    m = re.match(r"type\s+" + re.escape(typ) + r"\s+struct\s*\{(.*?)\n\}", d.text, re.S) if d.kind == "type" else None
                    if m:
                        for fm in re.finditer(r"^\s+(\w+)\s+\*?([\w.]+)", m.group(1), re.M):
                            fields[fm.group(1)] = fm.group(2)
                        for em in re.finditer(r"^\s+\*?(\w+)\s*$", m.group(1), re.M):  # embedded
                            fields[em.group(1)] = em.group(1)
            self._fields[key] = fields
        return self._fields[key].get(fname, "")

    def call(self, decl: Decl, args: list):
        key = id(decl)
        memo_ok = not args
        if memo_ok and key in self._memo:
            return self._memo[key]
        if key in self._busy or len(self._busy) > 40:
            return UNKNOWN
        self._busy.add(key)
        try:
            fb = func_body(decl)
            if fb is None:
                return UNKNOWN
            toks, a, b = fb
            env = {}
            for nm, av in zip(func_params(decl), args):
                env[nm] = av
            if decl.recv:
                m = _RECV.match(decl.text)
                if m:
                    env["__recv__"] = (m.group(1), decl.recv)
            ctx = Ctx(decl.file, env, (decl.recv + "." if decl.recv else "") + decl.name)
            val = self.run_block(toks, a, b, ctx)
        except (ParseError, RecursionError, IndexError):
            val = UNKNOWN
        finally:
            self._busy.discard(key)
        if memo_ok:
            self._memo[key] = val
        return val

    def call_lit(self, fl: FuncLitV, args: list):
        toks = fl.toks
        p = Parser(toks)
        try:
            p.next()
            p.skip_balanced()
            if p.peek().text == "(":
                p.skip_balanced()
            elif p.peek().text != "{":
                p.parse_type()
            a = p.i
            p.skip_balanced()
            return self.run_block(toks, a + 1, p.i - 1, Ctx(fl.ctx.file, dict(fl.ctx.env), fl.ctx.func))
        except (ParseError, RecursionError, IndexError):
            return UNKNOWN

    def run_block(self, toks, a, b, ctx: Ctx):
        """Walk a function body's top-level statements; the value of its last top-level return."""
        result = UNKNOWN
        for s, e in split_statements(toks, a, b):
            st = toks[s:e]
            if not st:
                continue
            head = st[0].text
            try:
                if head == "return":
                    if len(st) > 1:
                        p = Parser(st, 1)
                        result = self.eval(p.parse_expr(), ctx)
                    continue
                if head == "var":
                    specs = _value_specs(st)
                    for nm, et in specs.items():
                        ctx.env[nm] = self.eval(Parser(et).parse_expr(), ctx) if et else MapV({}) if "map[" in _join(st) else UNKNOWN
                    continue
                if head == "for" and any(t.text == "range" for t in st):
                    self._range_merge(st, ctx)
                    continue
                if head in ("if", "switch", "defer", "go", "select"):
                    continue
                # assignment?
                eq = _assign_at(st)
                if eq is not None:
                    lhs = st[:eq]
                    p = Parser(st, eq + 1)
                    val = self.eval(p.parse_expr(), ctx)
                    lp = Parser(lhs)
                    target = lp.parse_expr(no_comp=True)
                    if target[0] == "id":
                        ctx.env[target[1]] = val
                    elif target[0] == "sel" and target[1][0] == "id":
                        base = ctx.env.get(target[1][1])
                        if isinstance(base, Struct):
                            base.fields[target[2]] = val
                        else:
                            ctx.env[target[1][1] + "." + target[2]] = val
                    elif target[0] == "index" and len(target[2]) == 1:
                        m = self.eval(target[1], ctx)
                        key = self.eval(target[2][0], ctx)
                        if isinstance(m, MapV) and isinstance(key, str):
                            m.items[key] = val
                        elif isinstance(m, MapV):
                            self.unresolved["map key"] += 1
                    continue
                if head in ("maps",) and len(st) > 3 and st[2].text == "Copy":
                    call = Parser(st).parse_expr()
                    if call[0] == "call" and len(call[2]) == 2:
                        dst = self.eval(call[2][0], ctx)
                        src = self.eval(call[2][1], ctx)
                        if isinstance(dst, MapV) and isinstance(src, MapV):
                            dst.items.update(src.items)
                    continue
            except (ParseError, IndexError):
                continue
        return result

    def _range_merge(self, st, ctx: Ctx) -> None:
        # for k, v := range SRC { DST[k] = v }
        txt = [t.text for t in st]
        try:
            r = txt.index("range")
            p = Parser(st, r + 1)
            src = self.eval(p.parse_expr(no_comp=True), ctx)
            body = txt[p.i:]
        except (ParseError, ValueError, IndexError):
            return
        if not isinstance(src, MapV):
            return
        if len(txt) > 3 and txt[2] in (",",) and txt[4] in (":=", "="):
            kname, vname = txt[1], txt[3]
            for j in range(len(body) - 5):
                if body[j + 1] == "[" and body[j + 2] == kname and body[j + 3] == "]" and body[j + 4] == "=" and body[j + 5] == vname:
                    dst = ctx.env.get(body[j])
                    if isinstance(dst, MapV):
                        for key, val in src.items.items():
                            dst.items.setdefault(key, val)
                    return


_ATTR_WORD = re.compile(r"[A-Z]{2,}s(?=[A-Z]|$)|[A-Z]+[0-9]+(?=[A-Z]|$)|[A-Z]{2,}(?=[A-Z][a-z]|[0-9]|$)|[A-Z]?[a-z]+|[A-Z]|[0-9]+")


def attr_const_value(ident: str) -> str:
    """The attribute name an aws `names.AttrXxx` constant stands for, by the rule its generator
    follows (AttrKMSKeyID = "kms_key_id", AttrARNs = "arns", AttrS3KeyPrefix = "s3_key_prefix"):
    used only when the constant's declaration is not in the tree read."""
    words = []
    for w in _ATTR_WORD.findall(ident.removeprefix("Attr")):
        m = re.fullmatch(r"([A-Z0-9]{2,}?)(IDs|ID|ARNs|ARN)", w)
        words += [m.group(1), m.group(2)] if m else [w]  # VPCID is vpc_id
    return "_".join(w.lower() for w in words)


def _join(st) -> str:
    return " ".join(t.text for t in st)


def _assign_at(st) -> int | None:
    depth = 0
    for j, t in enumerate(st):
        if t.kind == "op":
            if t.text in "([{":
                depth += 1
            elif t.text in ")]}":
                depth -= 1
            elif depth == 0 and t.text in ("=", ":="):
                return j
    return None


def _spec_names(text: str) -> list[str]:
    m = re.match(r"(?:var|const)\s*\(", text)
    if m:
        return re.findall(r"^\t(\w+)\b", text, re.M)
    m = re.match(r"(?:var|const)\s+(\w+)", text)
    return [m.group(1)] if m else []


def _value_specs(toks) -> dict[str, list | None]:
    """name -> expression tokens of a var/const declaration (names paired with values)."""
    out: dict[str, list | None] = {}
    i = 1
    if i < len(toks) and toks[i].text == "(":
        p = Parser(toks, i)
        p.skip_balanced()
        specs = split_statements(toks, i + 1, p.i - 1)
    else:
        specs = [s for s in split_statements(toks, i, len(toks))][:1]
    for s, e in specs:
        st = toks[s:e]
        names = []
        j = 0
        while j < len(st) and st[j].kind == "ident":
            names.append(st[j].text)
            j += 1
            if j < len(st) and st[j].text == ",":
                j += 1
            else:
                break
        eq = _assign_at(st)
        if eq is None:
            for n in names:
                out.setdefault(n, None)
            continue
        # split rhs on top-level commas
        parts = []
        depth = 0
        cur = []
        for t in st[eq + 1:]:
            if t.kind == "op" and t.text in "([{":
                depth += 1
            elif t.kind == "op" and t.text in ")]}":
                depth -= 1
            if t.text == "," and depth == 0:
                parts.append(cur)
                cur = []
            else:
                cur.append(t)
        parts.append(cur)
        for n, pt in zip(names, parts):
            out.setdefault(n, pt)
    return out


def _text(x) -> str:
    if x is None:
        return ""
    if x[0] == "id":
        return x[1]
    if x[0] == "sel":
        return _text(x[1]) + "." + x[2]
    if x[0] == "str":
        return json.dumps(x[1])
    if x[0] == "call":
        return _text(x[1]) + "()"
    return x[0]


def _short(path: str) -> str:
    if path.startswith("index/") and path.endswith(".goindex"):
        return posixpath.dirname(path[len("index/"):]) + "/"
    return path


# --------------------------------------------------------------------------- loading


def load(gitdir: str, rev: str, provider_name: str, extra: tuple = (), modules: tuple = ()) -> Provider:
    """The provider's Go files at `rev`. `extra`: (gitdir, rev, directory) triples whose Go files
    fill in a package the main tree lacks (the function-per-file index has no `names` package).
    `modules`: (module path, gitdir) of Go modules the provider imports schema helpers from
    (go-azure-helpers' commonschema); each is read at the version the provider's go.mod requires."""
    tree = list_tree(gitdir, rev)
    prov = _load_tree(gitdir, tree, provider_name)
    for mpath, mgit in modules:
        want = prov.requires.get(mpath, "")
        mrev = want if want and _has_rev(mgit, want) else "HEAD"
        if mrev == "HEAD":
            prov.unresolved[f"{mpath} read at HEAD (go.mod wants {want or 'nothing'})"] += 1
        prov.module_revs[mpath] = f"{mrev}"
        mtree = [(p, s) for p, s in list_tree(mgit, resolve_rev(mgit, mrev))
                 if p.endswith(".go") and not p.endswith("_test.go") and "/testdata/" not in p]
        more = _load_tree(mgit, mtree, provider_name, prefix=mpath + "/")
        prov.add_files(more.files)
    for xgit, xrev, xdir in extra:
        if xdir in prov.dirs:
            continue
        xtree = [(p, s) for p, s in list_tree(xgit, resolve_rev(xgit, xrev)) if posixpath.dirname(p) == xdir]
        more = _load_tree(xgit, xtree, provider_name)
        prov.add_files(more.files)
    return prov


def _has_rev(gitdir: str, rev: str) -> bool:
    import subprocess  # noqa: PLC0415

    return subprocess.run(["git", "-C", gitdir, "rev-parse", "-q", "--verify", rev + "^{commit}"],
                          capture_output=True).returncode == 0


def _load_tree(gitdir: str, tree, provider_name: str, prefix: str = "") -> Provider:
    want = []
    module = ""
    requires: dict[str, str] = {}
    for path, sha in tree:
        if path == "go.mod":
            want.append((path, sha))
        if not (path.endswith(".go") or path.endswith(".goindex")):
            continue
        if path.endswith("_test.go") or "/vendor/" in path or path.startswith("vendor/") or "/testdata/" in path:
            continue
        if path.endswith(".goindex") and "/acctest/" in path:
            continue
        want.append((path, sha))
    jsons = [(p, s) for p, s in tree if p.startswith("index/resources/") and p.endswith(".json")]
    blobs = read_blobs(gitdir, [s for _p, s in want + jsons])
    files = []
    for path, sha in want:
        data = blobs.get(sha, b"").decode("utf-8", "replace")
        if path == "go.mod":
            m = re.search(r"^module\s+(\S+)", data, re.M)
            module = m.group(1) if m else ""
            requires = dict(re.findall(r"^\s*(?:require\s+)?(\S+)\s+(v\S+)", data, re.M))
            continue
        files.append(split_file(prefix + path, data, posixpath.dirname(prefix + path)))
    prov = Provider(files, module, provider_name)
    prov.requires = requires
    prov.index_json = {p: blobs.get(s, b"") for p, s in jsons}  # type: ignore[attr-defined]
    return prov


# --------------------------------------------------------------------------- registration

_RECV = re.compile(r"func\s*\(\s*(\w+)\s+\*?\s*\w+")
_ANNOT = re.compile(r'@(SDKResource|FrameworkResource)\("(\w+)"')
_RES_MAP = re.compile(r"map\[string\]\*(?:schema|pluginsdk)\.Resource\s*\{")
_TYPENAME = re.compile(r'(?:resp|response)\.TypeName\s*=\s*(?:req(?:uest)?\.ProviderTypeName\s*\+\s*"(\w+)"|"(\w+)")')
_FACTORY = re.compile(r"^func (\w+)\([^)]*\) \(?resource\.Resource\b")
_AMP_TYPE = re.compile(r"&(\w+)\s*\{")
_RESTYPE = re.compile(r'return\s+"(\w+)"')


def registrations(prov: Provider) -> dict[str, tuple[str, object]]:
    """resource type -> (how, target): ("sdk", value or Decl), ("fw", (pkgdir, type)), ("typed", (pkgdir, type))."""
    regs: dict[str, tuple[str, object]] = {}
    regional: dict[str, str] = prov.regional  # type -> where its Region: ResourceRegionDefault() is
    # 1. maps name -> *schema.Resource (ResourcesMap, service registrations)
    for gf in prov.files:
        for d in gf.decls:
            if not _RES_MAP.search(d.text):
                continue
            ctxname = d.name or (_spec_names(d.text) or [""])[0]
            if "datasource" in ctxname.lower() or "data_source" in ctxname.lower():
                continue
            try:
                for key, val, parent in _resource_map_entries(d):
                    if "datasource" in (parent or "").lower():
                        continue
                    kv = prov.eval(key, Ctx(gf, {}, d.name)) if key else None
                    if isinstance(kv, str) and kv.startswith(prov.name + "_"):
                        regs.setdefault(kv, ("sdkexpr", (val, gf, d.name)))
            except (ParseError, IndexError):
                prov.unresolved["registration map"] += 1
    # 1b. google: init() { registry.Schema{Name: "google_x", Type: registry.SchemaTypeResource, Schema: ...}.Register() }
    for gf in prov.files:
        for d in gf.decls:
            if "SchemaTypeResource" not in d.text or d.kind != "func":
                continue
            toks = d.toks
            for j in range(len(toks) - 3):
                if toks[j].text == "Schema" and toks[j + 1].text == "{" and j and toks[j - 1].text == ".":
                    try:
                        comp = Parser(toks, j - 2).parse_primary(no_comp=False)
                    except ParseError:
                        prov.unresolved["registration"] += 1
                        continue
                    while comp[0] == "call" or comp[0] == "sel":
                        comp = comp[1]
                    if comp[0] != "comp":
                        continue
                    fields = {k[1]: v for k, v in comp[2] if k is not None and k[0] == "id"}
                    typ = _text(fields.get("Type"))
                    name = fields.get("Name")
                    if typ.endswith(".SchemaTypeResource") and name and name[0] == "str" and "Schema" in fields:
                        regs.setdefault(name[1], ("sdkexpr", (fields["Schema"], gf, d.name)))
    # 1c. aws service_package_gen.go: SDKResources/FrameworkResources return {Factory, TypeName, Region}
    for (pkgdir, typ, mname), d in list(prov.methods.items()):
        if mname not in ("SDKResources", "FrameworkResources"):
            continue
        fb = func_body(d)
        if fb is None:
            continue
        toks, a, b = fb
        for s_, e_ in split_statements(toks, a, b):
            if toks[s_].text != "return":
                continue
            try:
                comp = Parser(toks, s_ + 1).parse_expr()
            except ParseError:
                prov.unresolved["registration"] += 1
                continue
            if comp[0] != "comp":
                continue
            for _k, elem in comp[2]:
                if elem[0] == "unary":
                    elem = elem[2]
                if elem[0] != "comp":
                    continue
                fields = {k[1]: v for k, v in elem[2] if k is not None and k[0] == "id"}
                name = fields.get("TypeName")
                fac = fields.get("Factory")
                if name is None and mname == "FrameworkResources":
                    continue  # named by its @FrameworkResource annotation or Metadata method instead
                if not name or name[0] != "str" or fac is None or fac[0] != "id":
                    prov.unresolved["registration"] += 1
                    prov.debug.append(("registration", _text(name) if name else "", _text(fac) if fac else ""))
                    continue
                region = _text(fields.get("Region")).endswith("ResourceRegionDefault()")
                fd = prov.funcs.get((pkgdir, fac[1]))
                if fd is None:
                    prov.unresolved["registration"] += 1
                    prov.debug.append(("registration", name[1], fac[1]))
                    continue
                if mname == "SDKResources":
                    regs[name[1]] = ("sdkfunc", fd)
                else:
                    m = _AMP_TYPE.search(fd.text)
                    if not m:
                        prov.unresolved["registration"] += 1
                        continue
                    regs[name[1]] = ("fw", (pkgdir, m.group(1)))
                if region:
                    regional[name[1]] = f"{_short(d.file.path)}#{typ}.{mname}"
    # 2. annotations
    for gf in prov.files:
        for d in gf.decls:
            if d.kind != "func" or "@" not in d.comments:
                continue
            for kind, name in _ANNOT.findall(d.comments):
                if kind == "SDKResource":
                    regs[name] = ("sdkfunc", d)
                else:
                    m = _AMP_TYPE.search(d.text)
                    if m:
                        regs[name] = ("fw", (gf.pkgdir, m.group(1)))
    # 3. the function-per-file index's resource list
    for path, data in getattr(prov, "index_json", {}).items():
        try:
            meta = json.loads(data)
        except ValueError:
            continue
        name = meta.get("terraform_type", "")
        ns = meta.get("namespace", "")
        sidx = meta.get("schema_index", "")
        pkgdir = prov.dir_of_import(ns)
        if not name or pkgdir is None:
            prov.unresolved["index entry"] += 1
            continue
        parts = sidx.split(".")
        if name in regs:
            continue
        if parts[0] == "func" and (pkgdir, parts[1]) in prov.funcs:
            regs[name] = ("sdkfunc", prov.funcs[(pkgdir, parts[1])])
        elif parts[0] == "method" and len(parts) >= 3:
            regs[name] = ("fw", (pkgdir, parts[1]))
        else:
            prov.unresolved["index entry"] += 1
    # 4. framework Metadata methods; azurerm typed resources
    for (pkgdir, typ, mname), d in prov.methods.items():
        if mname == "Metadata" and "resource.MetadataResponse" in d.text:
            m = _TYPENAME.search(d.text)
            if m:
                name = prov.name + m.group(1) if m.group(1) else m.group(2)
                if not name.startswith(prov.name + "_"):
                    name = prov.name + "_" + name  # the provider adds its prefix (datadog)
                regs.setdefault(name, ("fw", (pkgdir, typ)))
        elif mname == "ResourceType" and (pkgdir, typ, "Create") in prov.methods and (pkgdir, typ, "Arguments") in prov.methods:
            m = _RESTYPE.search(d.text)
            if m:
                regs.setdefault(m.group(1), ("typed", (pkgdir, typ)))
    # 5. framework factories `func X() resource.Resource { return &T{...ResourceName: "x"} }` whose
    #    embedded base type's Metadata joins the provider's name and ResourceName (mongodbatlas)
    for (pkgdir, fname), d in list(prov.funcs.items()):
        if not _FACTORY.match(d.text):
            continue
        m = _AMP_TYPE.search(d.text)
        if not m or (pkgdir, m.group(1), "Schema") not in prov.methods:
            continue
        name = _resource_name_field(prov.call(d, []))
        if name:
            full = name if name.startswith(prov.name + "_") else f"{prov.name}_{name}"
            regs.setdefault(full, ("fw", (pkgdir, m.group(1))))
    return {k: v for k, v in regs.items() if k.startswith(prov.name + "_")}


def _resource_name_field(v, depth: int = 0) -> str:
    if not isinstance(v, Struct) or depth > 2:
        return ""
    for key in ("ResourceName", "TypeName"):
        if isinstance(v.fields.get(key), str):
            return v.fields[key]
    for sub in v.fields.values():
        found = _resource_name_field(sub, depth + 1)
        if found:
            return found
    return ""


def _resource_map_entries(d: Decl):
    toks = d.toks
    out = []
    parent = None
    for j in range(len(toks) - 6):
        if toks[j].text == "map" and toks[j + 1].text == "[" and toks[j + 2].text == "string" and toks[j + 4].text == "*" \
                and toks[j + 6].text == "." and j + 7 < len(toks) and toks[j + 7].text == "Resource":
            parent = toks[j - 2].text if j >= 2 and toks[j - 1].text == ":" else None
            p = Parser(toks, j)
            try:
                comp = p.parse_primary()
            except ParseError:
                continue  # a function's result type, not a literal
            if comp[0] == "comp":
                for key, val in comp[2]:
                    out.append((key, val, parent))
    return out


# --------------------------------------------------------------------------- walking schemas

_FORCE_CALL = {"ForceNew", "ForceNewIf", "ForceNewIfChange"}


def _is_true(v) -> bool:
    return v is True


def _literal(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    return ""


class Walker:
    def __init__(self, prov: Provider, rtype: str) -> None:
        self.prov = prov
        self.rtype = rtype
        self.rows: dict[str, Row] = {}
        self.unresolved = 0

    def add(self, path, flags, default, kind, source) -> None:
        old = self.rows.get(path)
        if old is None:
            self.rows[path] = Row(self.rtype, path, flags, default, kind, source)

    # SDKv2 ------------------------------------------------------------------
    def sdk_resource(self, res) -> None:
        if not isinstance(res, Struct):
            self.unresolved += 1
            self.prov.unresolved["resource not resolved"] += 1
            return
        schema = self.sdk_schema_of(res)
        if schema is None:
            self.unresolved += 1
            self.prov.unresolved["schema not resolved"] += 1
            return
        self.sdk_map(schema, "", res.origin)
        cd = res.fields.get("CustomizeDiff")
        if cd is not None:
            for path in ForceScanner(self.prov).scan(cd):
                self.conditional(path, res.origin)

    def sdk_schema_of(self, res: Struct):
        s = res.fields.get("Schema")
        if isinstance(s, MapV):
            return s
        sf = res.fields.get("SchemaFunc")
        if isinstance(sf, FuncV):
            s = self.prov.call(sf.decl, [])
        elif isinstance(sf, FuncLitV):
            s = self.prov.call_lit(sf, [])
        return s if isinstance(s, MapV) else None

    def sdk_map(self, m: MapV, prefix: str, origin: str) -> None:
        for name, s in sorted(m.items.items()):
            path = prefix + name
            if name.startswith("?"):
                self.unresolved += 1
                continue
            if isinstance(s, CallV) and s.name.startswith("timeouts."):
                continue  # the framework's timeouts block: no facts of interest
            if not isinstance(s, Struct):
                self.unresolved += 1
                self.prov.unresolved["attribute not resolved"] += 1
                self.prov.debug.append((self.rtype, path, repr(s)[:150]))
                continue
            f = s.fields
            flags = ""
            flags += "R" if _is_true(f.get("Required")) else ""
            flags += "O" if _is_true(f.get("Optional")) else ""
            flags += "C" if _is_true(f.get("Computed")) else ""
            dep = f.get("Deprecated")
            flags += "D" if (isinstance(dep, str) and dep) or isinstance(dep, Sym) else ""
            flags += "S" if _is_true(f.get("Sensitive")) else ""
            default = _literal(f.get("Default")) if "Default" in f else ""
            if "Default" in f and not default and f.get("Default") is not None:
                self.prov.unresolved["default not resolved"] += 1
                default = UNKNOWN_DEFAULT
            fn = f.get("ForceNew")
            kind = "force_new" if fn is True else "" if fn is False or fn is None else "conditional"
            self.add(path, flags, default, kind, s.origin)
            elem = f.get("Elem")
            if isinstance(elem, Struct) and elem.typ.endswith("Resource"):
                sub = self.sdk_schema_of(elem)
                if sub is not None:
                    self.sdk_map(sub, path + ".", elem.origin)
                else:
                    self.unresolved += 1
                    self.prov.unresolved["nested block not resolved"] += 1
            elif elem is not None and not isinstance(elem, Struct) and f.get("Type") not in (None,) and \
                    isinstance(f.get("Type"), Sym) and f["Type"].name.endswith(("TypeList", "TypeSet")) and not isinstance(elem, Sym):
                self.unresolved += 1
                self.prov.unresolved["nested block not resolved"] += 1

    def conditional(self, path: str, source: str) -> None:
        path = ".".join(p for p in path.split(".") if p and not p.isdigit() and p != "#" and p != "%")
        if not path:
            return
        row = self.rows.get(path)
        if row is None:
            self.rows[path] = Row(self.rtype, path, "", "", "conditional", source, in_schema=False)
        elif row.kind == "":
            row.kind = "conditional"

    # Framework --------------------------------------------------------------
    def fw_resource(self, pkgdir: str, typ: str) -> None:
        d = self.prov.methods.get((pkgdir, typ, "Schema"))
        if d is None:
            self.unresolved += 1
            self.prov.unresolved["framework Schema method missing"] += 1
            return
        fb = func_body(d)
        if fb is None:
            self.unresolved += 1
            return
        toks, a, b = fb
        ctx = Ctx(d.file, {}, f"{typ}.Schema")
        self.prov.run_block(toks, a, b, ctx)
        sch = None
        for pname in func_params(d) + ["resp", "response"]:
            sch = ctx.env.get(pname + ".Schema")
            if sch is not None:
                break
        if not isinstance(sch, Struct):
            self.unresolved += 1
            self.prov.unresolved["framework schema not resolved"] += 1
            return
        self.fw_object(sch, "")
        mp = self.prov.methods.get((pkgdir, typ, "ModifyPlan"))
        if mp is not None:
            for path in _modifyplan_paths(self.prov, mp):
                self.conditional(path, f"{_short(mp.file.path)}#{typ}.ModifyPlan")

    def fw_object(self, obj: Struct, prefix: str) -> None:
        attrs = obj.fields.get("Attributes")
        blocks = obj.fields.get("Blocks")
        for coll in (attrs, blocks):
            if coll is None:
                continue
            if not isinstance(coll, MapV):
                self.unresolved += 1
                self.prov.unresolved["framework attributes not resolved"] += 1
                continue
            for name, a in sorted(coll.items.items()):
                if name.startswith("?"):
                    self.unresolved += 1
                    continue
                if isinstance(a, CallV) and a.name.startswith("timeouts."):
                    continue  # the framework's timeouts block: no facts of interest
                if not isinstance(a, Struct):
                    self.unresolved += 1
                    self.prov.unresolved["framework attribute not resolved"] += 1
                    self.prov.debug.append((self.rtype, prefix + name, repr(a)[:150]))
                    continue
                self.fw_attr(a, prefix + name)

    def fw_attr(self, a: Struct, path: str) -> None:
        f = a.fields
        flags = ""
        flags += "R" if _is_true(f.get("Required")) else ""
        flags += "O" if _is_true(f.get("Optional")) else ""
        flags += "C" if _is_true(f.get("Computed")) else ""
        dep = f.get("DeprecationMessage")
        flags += "D" if (isinstance(dep, str) and dep) or isinstance(dep, Sym) else ""
        flags += "S" if _is_true(f.get("Sensitive")) else ""
        default = ""
        dv = f.get("Default")
        if isinstance(dv, CallV) and dv.name.split(".")[-1].startswith("Static") and dv.args:
            default = _literal(dv.args[0])
        if dv is not None and not default:
            self.prov.unresolved["default not resolved"] += 1
            default = UNKNOWN_DEFAULT
        kind = ""
        pm = f.get("PlanModifiers")
        if isinstance(pm, ListV):
            for m in pm.items:
                nm = m.name.split(".")[-1] if isinstance(m, CallV) else ""
                if nm == "RequiresReplace":
                    kind = "force_new"
                elif "RequiresReplace" in nm and kind != "force_new":
                    kind = "conditional"
        self.add(path, flags, default, kind, a.origin)
        nested = f.get("NestedObject")
        if isinstance(nested, Struct):
            self.fw_object(nested, path + ".")
        elif "Attributes" in f or "Blocks" in f:
            self.fw_object(a, path + ".")


def _modifyplan_paths(prov: Provider, d: Decl) -> list[str]:
    toks = d.toks
    out = []
    txt = [t.text for t in toks]
    for j, t in enumerate(txt):
        if t == "RequiresReplace":
            # path.Root("x") within the next 40 tokens
            for q in range(j, min(j + 40, len(txt) - 3)):
                if txt[q] == "Root" and txt[q + 1] == "(":
                    val = _token_value(prov, d.file, toks, q + 2)
                    if isinstance(val, str):
                        out.append(val)
                    break
    return out


def _token_value(prov: Provider, gf: GoFile, toks, q):
    try:
        p = Parser(toks, q)
        return prov.eval(p.parse_expr(), Ctx(gf, {}, ""))
    except (ParseError, IndexError):
        return UNKNOWN


class ForceScanner:
    """Attribute names a CustomizeDiff forces new under a condition (ForceNewIf*, d.ForceNew)."""

    def __init__(self, prov: Provider) -> None:
        self.prov = prov
        self.seen: set[int] = set()
        self.out: list[str] = []

    def expr(self, x, ctx: "Ctx", depth: int) -> None:
        k = x[0]
        if k == "call":
            callee = x[1]
            last = callee[2] if callee[0] == "sel" else callee[1] if callee[0] == "id" else ""
            if last in _FORCE_CALL and x[2]:
                val = self.prov.eval(x[2][0], ctx)
                if isinstance(val, str):
                    self.out.append(val)
                else:
                    self.prov.unresolved["ForceNew argument"] += 1
            else:
                self.expr(callee, ctx, depth)
            for a in x[2]:
                self.expr(a, ctx, depth)
        elif k == "funclit":
            self.tokens(x[1], ctx.file, depth)
        elif k in ("id", "sel"):
            v = self.prov.eval(x, ctx)
            if isinstance(v, (FuncV, FuncLitV, RawV, CallV, ListV)):
                self.scan(v, depth + 1)  # another resource's CustomizeDiff, a helper
        elif k == "comp":
            for _key, val in x[2]:
                self.expr(val, ctx, depth)
        elif k == "unary":
            self.expr(x[2], ctx, depth)

    def scan(self, v, depth: int = 0) -> list[str]:
        if depth > 4:
            return self.out
        if isinstance(v, RawV):
            self.expr(v.expr, v.ctx, depth)
            return self.out
        if isinstance(v, CallV):
            nm = v.name.split(".")[-1]
            if nm in _FORCE_CALL and v.args and isinstance(v.args[0], str):
                self.out.append(v.args[0])
            for a in v.args:
                self.scan(a, depth + 1)
        elif isinstance(v, ListV):
            for a in v.items:
                self.scan(a, depth + 1)
        elif isinstance(v, FuncV):
            if id(v.decl) in self.seen:
                return self.out
            self.seen.add(id(v.decl))
            self.tokens(v.decl.toks, v.decl.file, depth)
        elif isinstance(v, FuncLitV):
            self.tokens(v.toks, v.ctx.file, depth)
        return self.out

    def tokens(self, toks, gf: GoFile, depth: int) -> None:
        for j, t in enumerate(toks):
            if t.kind != "ident" or j + 1 >= len(toks):
                continue
            if t.text in _FORCE_CALL and toks[j + 1].text == "(":
                val = _token_value(self.prov, gf, toks, j + 2)
                if isinstance(val, str):
                    self.out.append(val)
                else:
                    self.prov.unresolved["ForceNew argument"] += 1
            elif j > 0 and toks[j - 1].text != "." and (gf.pkgdir, t.text) in self.prov.funcs and t.text not in _FORCE_CALL:
                self.scan(FuncV(self.prov.funcs[(gf.pkgdir, t.text)]), depth + 1)
            elif j > 1 and toks[j - 1].text == "." and toks[j - 2].kind == "ident" and toks[j - 2].text in gf.imports:
                pd = self.prov.dir_of_import(gf.imports[toks[j - 2].text])
                if pd and (pd, t.text) in self.prov.funcs:
                    self.scan(FuncV(self.prov.funcs[(pd, t.text)]), depth + 1)


# --------------------------------------------------------------------------- entry point


def provider_name_of(gitdir: str) -> str:
    m = re.search(r"terraform-provider-(\w+)", gitdir)
    return m.group(1) if m else ""


def extract(gitdir: str, rev: str = "HEAD", provider: str | None = None, only: set[str] | None = None,
            extra: tuple = (), modules: tuple = ()) -> Result:
    """Every resource's attributes at `rev` of the provider repository `gitdir` (a bare git dir is fine)."""
    name = provider or provider_name_of(gitdir)
    prov = load(gitdir, resolve_rev(gitdir, rev), name, extra, modules)
    regs = registrations(prov)
    rows: list[Row] = []
    res = Result(rows, {})
    for rtype in sorted(regs):
        if only is not None and rtype not in only:
            continue
        how, target = regs[rtype]
        w = Walker(prov, rtype)
        try:
            if how == "sdkexpr":
                expr, gf, fname = target  # type: ignore[misc]
                w.sdk_resource(prov.eval(expr, Ctx(gf, {}, fname)))
            elif how == "sdkfunc":
                w.sdk_resource(prov.call(target, []))  # type: ignore[arg-type]
            elif how == "fw":
                w.fw_resource(*target)  # type: ignore[misc]
            elif how == "typed":
                pkgdir, typ = target  # type: ignore[misc]
                merged: dict = {}
                origin = ""
                for meth in ("Arguments", "Attributes"):
                    d = prov.methods.get((pkgdir, typ, meth))
                    if d is None:
                        continue
                    v = prov.call(d, [])
                    if isinstance(v, MapV):
                        merged.update(v.items)
                    else:
                        w.unresolved += 1
                        prov.unresolved["typed schema not resolved"] += 1
                w.sdk_map(MapV(merged), "", origin)
                cd = prov.methods.get((pkgdir, typ, "CustomizeDiff"))
                if cd is not None:
                    for path in ForceScanner(prov).scan(FuncV(cd)):
                        w.conditional(path, f"{_short(cd.file.path)}#{typ}.CustomizeDiff")
        except RecursionError:
            w.unresolved += 1
            prov.unresolved["recursion"] += 1
        if rtype in prov.regional:
            # aws v6: the provider adds `region` to every region-aware resource; a change replaces
            # it (except between unset and the provider's region), unless the schema says otherwise
            row = w.rows.get("region")
            if row is None:
                w.rows["region"] = Row(rtype, "region", "OC", "", "conditional", prov.regional[rtype])
            elif not row.kind:
                row.kind = "conditional"
        res.resources[rtype] = how
        if w.unresolved:
            res.unresolved_types[rtype] = w.unresolved
        rows.extend(w.rows[k] for k in sorted(w.rows))
    res.unresolved = prov.unresolved
    res.module_revs = dict(prov.module_revs)
    res.debug = prov.debug
    return res
