"""The only code that knows where knowledge packs live and how they are read.

Packs are tab-separated files under `rules/` (shipped inside the wheel as `iaclint/rules`
or, in a source checkout, beside the package). Rows are sorted by resource type, so one
type's facts are a contiguous run found with a single string search: nothing is parsed
for types a change does not touch, and start-up pays only for reading the files it needs.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from iaclint.core.record import FrozenRecord, replace


class Fact(FrozenRecord):
    """One row of a knowledge pack, with its source."""

    resource_type: str
    key: str  # attribute path / property path / attribute name
    value: str  # kind (force_new | conditional | create_only), protective value, or reason
    source: str
    extra: tuple[str, ...] = ()
    versions: str = ""  # the provider versions it holds in (`>=2.0.0,<5.0.0`); "" = every version

    def __init__(
        self,
        resource_type: str,
        key: str,
        value: str,
        source: str,
        extra: tuple[str, ...] = (),
        versions: str = "",
    ) -> None:
        d = self.__dict__
        d["resource_type"] = resource_type
        d["key"] = key
        d["value"] = value
        d["source"] = source
        d["extra"] = extra
        d["versions"] = versions


MANIFEST = "MANIFEST"  # every pack file shipped, one relative path a line (a test keeps it true)


def rules_dir() -> Path:
    return _rules_dir(os.environ.get("IACLINT_RULES_DIR") or "")


@functools.lru_cache(maxsize=None)
def _rules_dir(env: str) -> Path:
    if env:
        return Path(env)
    package = Path(__file__).resolve().parent.parent
    # installed: the wheel carries the packs as iaclint/rules; a checkout has them beside iaclint/
    for candidate in (package / "rules", package.parent / "rules"):
        if (candidate / MANIFEST).is_file():
            return candidate
    return package.parent / "rules"


def manifest() -> frozenset[str]:
    """The pack files that must be there. Packs that cannot be found are an error, never an
    empty pack: an empty pack silently turns most findings off."""
    return _manifest(rules_dir())


@functools.lru_cache(maxsize=None)
def _manifest(root: Path) -> frozenset[str]:
    from iaclint.errors import PackError

    where = root / MANIFEST
    try:
        text = where.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError(f"knowledge packs not found: cannot read {where} ({exc.strerror or exc.__class__.__name__}); "
                        f"reinstall iaclint or fix IACLINT_RULES_DIR") from None
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def provider_of(resource_type: str) -> tuple[str, str]:
    """(language, provider) for a resource type: ("terraform", "aws"), ("cloudformation", "aws")."""
    if "::" in resource_type:
        return "cloudformation", "aws"
    return "terraform", resource_type.split("_", 1)[0]


def is_arm_type(resource_type: str) -> bool:
    """An Azure Resource Manager type (`Microsoft.Storage/storageAccounts`): what an azure-native class manages."""
    return resource_type.startswith("Microsoft.") and "/" in resource_type


@functools.lru_cache(maxsize=1)
def _arm_equivalents() -> dict[str, str]:
    """ARM type -> the azurerm type for it (rules/pulumi/azure_native.tsv)."""
    out = {}
    for line in read_pack("pulumi/azure_native.tsv").splitlines():
        row = line.split("\t")
        if not line.startswith("#") and len(row) >= 4 and row[2] != "-":
            out[row[1]] = row[2]
    return out


def read_pack(relpath: str) -> str:
    """A pack's text; "" for a pack that does not exist (a provider without facts of that kind)."""
    return _read_pack(rules_dir(), relpath)


@functools.lru_cache(maxsize=None)
def _read_pack(root: Path, relpath: str) -> str:
    from iaclint.errors import PackError

    if relpath not in _manifest(root):
        return ""
    where = root / relpath
    try:
        text = where.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc.__class__.__name__
        raise PackError(f"knowledge pack {where} cannot be read ({reason}); reinstall iaclint or fix IACLINT_RULES_DIR") from None
    return "\n" + text if not text.startswith("\n") else text


def _rows(relpath: str, resource_type: str) -> list[list[str]]:
    """One type's rows of a pack, found in its bytes: only that run is decoded (a Terraform
    provider's force_new.tsv is over a megabyte, and a change names a few types of it)."""
    return _type_rows(relpath, resource_type)


def _facts(relpath: str, resource_type: str) -> list[Fact]:
    out = []
    for row in _rows(relpath, resource_type):
        if len(row) == 3:  # stateful packs: resource_type, reason, source
            out.append(Fact(row[0], "", row[1], row[2]))
        elif len(row) >= 4:
            out.append(Fact(row[0], row[1], row[2], row[3], tuple(row[4:])))
    return out


# Terraform packs whose rows may carry a version range, and the column that holds it
VERSIONED_COLUMN = {"force_new": 4, "attributes": 5}


def _versioned_facts(relpath: str, resource_type: str, column: int) -> list[Fact]:
    """Rows of a pack with an optional `versions` column: the columns between the source and
    it are `extra`."""
    out = []
    for row in _rows(relpath, resource_type):
        if len(row) >= 4:
            versions = row[column] if len(row) > column else ""
            out.append(Fact(row[0], row[1], row[2], row[3], tuple(row[4:column]), versions))
    return out


@functools.lru_cache(maxsize=None)
def newest_version(provider: str) -> str:
    """The provider release the pack's unversioned facts describe (its `# newest:` header line),
    "" when the pack does not say (a hand-kept pack)."""
    data = _pack_bytes(rules_dir(), f"terraform/{provider}/force_new.tsv")  # the header only is decoded
    if data.startswith(b"# newest: "):  # the first line
        data = b"\n" + data
    at = data.find(b"\n# newest: ")
    if at == -1:
        return ""
    end = data.find(b"\n", at + 1)
    return data[at + len(b"\n# newest: "): end if end != -1 else len(data)].decode("utf-8", "replace").strip()


def _holds(versions: str, version: tuple[int, int, int] | None) -> bool:
    """A row with a version range holds in `version`; with no version known, in the newest
    release (a range open at the top)."""
    from iaclint.knowledge.versions import in_range, parse_range

    if version is None:
        return parse_range(versions)[1] is None
    return in_range(version, versions)


def _within(fact: Fact, span: tuple, provider: str) -> Fact | None:
    """A versioned fact as seen by a module that may run the releases in `span` (lowest,
    exclusive upper end or None): itself where it holds in all of them, a "may" where it holds in
    some (a replacement only in releases the constraint allows but need not pick), None where in
    none."""
    from iaclint.knowledge.versions import parse_range, parse_version, show

    if not fact.versions:
        return fact
    low, high = span
    upto = f"below {show(high)}" if high is not None else "and later"
    if high is None:  # up to the newest release the pack knows
        newest = parse_version(newest_version(provider) or "")
        high = (newest[0], newest[1], newest[2] + 1) if newest else None
    flo, fhi = parse_range(fact.versions)
    meets = (fhi is None or low < fhi) and (flo is None or high is None or flo < high)
    if not meets:
        return None
    covers = (flo is None or flo <= low) and (fhi is None or (high is not None and high <= fhi))
    if covers or fact.value not in ("force_new", "conditional"):
        return fact
    why = f"the module may run {provider} {show(low)} {upto}, and no lock file pins one: {fact.source}"
    return Fact(fact.resource_type, fact.key, "may_replace", why, fact.extra, fact.versions)


class AttributeFact(FrozenRecord):
    """What a provider's schema says of one attribute (terraform/<provider>/attributes.tsv)."""

    flags: str  # R required, O optional, C computed, D deprecated, S sensitive
    default: str  # a JSON literal (`true`, `5`, `"gp2"`), UNKNOWN_DEFAULT, or "" when the schema sets none
    source: str  # file#function in the provider repository the pack header names
    versions: str = ""  # a version range like ">=2.0.0,<5.0.0", or "" for every version generated

    def __init__(self, flags: str, default: str, source: str, versions: str = "") -> None:
        d = self.__dict__
        d["flags"] = flags
        d["default"] = default
        d["source"] = source
        d["versions"] = versions

    @property
    def required(self) -> bool:
        return "R" in self.flags

    @property
    def optional(self) -> bool:
        return "O" in self.flags

    @property
    def computed(self) -> bool:
        return "C" in self.flags

    @property
    def deprecated(self) -> bool:
        return "D" in self.flags

    @property
    def sensitive(self) -> bool:
        return "S" in self.flags

    @property
    def default_unknown(self) -> bool:
        """The schema sets a default the generator could not evaluate: unset is *some* value."""
        return self.default == UNKNOWN_DEFAULT

    @property
    def known_default(self) -> str:
        """The default as a JSON literal, "" when there is none or it is not known."""
        return "" if self.default == UNKNOWN_DEFAULT else self.default


UNKNOWN_DEFAULT = "?"  # attributes.tsv: a default the schema sets that its generator could not evaluate


ATTRIBUTE_DITTO = "^"  # in attributes.tsv: the source of the row above (same type)


@functools.lru_cache(maxsize=None)
def _pack_bytes(root: Path, relpath: str) -> bytes:
    """A large pack as bytes (decoding megabytes of text for one type's rows is the cost to avoid)."""
    from iaclint.errors import PackError

    if relpath not in _manifest(root):
        return b""
    where = root / relpath
    try:
        data = where.read_bytes()
    except OSError as exc:
        raise PackError(f"knowledge pack {where} cannot be read ({exc.strerror or exc.__class__.__name__}); "
                        f"reinstall iaclint or fix IACLINT_RULES_DIR") from None
    return data  # not copied to prepend a newline: a pack's first line is its header comment


def _type_rows(relpath: str, resource_type: str) -> list[list[str]]:
    data = _pack_bytes(rules_dir(), relpath)
    needle = b"\n" + resource_type.encode() + b"\t"
    start = -1 if data.startswith(needle[1:]) else data.find(needle)  # a data first line: see below
    if data.startswith(needle[1:]):
        data = b"\n" + data  # only a pack without a header comment pays for the copy
        start = 0
    if start == -1:
        return []
    end = start
    # one type's rows are one contiguous run (the packs are sorted; a test checks it)
    while True:
        nxt = data.find(b"\n", end + 1)
        if nxt == -1 or not data.startswith(needle, nxt):
            end = nxt if nxt != -1 else len(data)
            break
        end = nxt
    try:
        text = data[start + 1:end].decode("utf-8")
    except UnicodeDecodeError:
        from iaclint.errors import PackError

        raise PackError(f"knowledge pack {rules_dir() / relpath} cannot be read (UnicodeDecodeError); "
                        f"reinstall iaclint or fix IACLINT_RULES_DIR") from None
    return [line.rstrip("\r").split("\t") for line in text.split("\n")]


_attribute_rows = _type_rows


SAM_PREFIX = "AWS::Serverless::"


def _cfn_replacement(resource_type: str) -> list[Fact]:
    """cfn-lint's createOnly facts (each with what the service spec says of it) and the decided
    disagreements with @aws-cdk/aws-service-spec: `replace` adds or upgrades a fact to
    create_only, `may_replace` adds a note-level fact; the source names both and the reason."""
    spec = service_spec_version()
    facts: dict[str, Fact] = {}
    for f in _facts("cloudformation/create_only.tsv", resource_type):
        says = f.extra[0] if f.extra else "n/a"
        field = "createOnlyProperties" if f.value == "create_only" else "conditionalCreateOnlyProperties"
        agrees = {"yes": f"{spec} agrees (causesReplacement: yes)", "maybe": f"{spec}: causesReplacement maybe",
                  "absent": f"{spec} lacks the type", "no": f"{spec} does not mark it"}.get(says)
        source = f"{f.source} {field}" + (f"; {agrees}" if agrees else "")
        facts[f.key] = Fact(f.resource_type, f.key, f.value, source)
    for d in _facts("cloudformation/disagreements.tsv", resource_type):
        reason = d.extra[2] if len(d.extra) > 2 else ""
        source = f"{d.source} disagree (cfn-lint: {d.extra[0]}, service spec: {d.extra[1]}); decided {d.value}: {reason}"
        if d.value == "replace":
            facts[d.key] = Fact(d.resource_type, d.key, "create_only", source)
        elif d.value == "may_replace" and d.key not in facts:
            facts[d.key] = Fact(d.resource_type, d.key, "may_replace", source)
        elif d.key in facts:  # kept as it was (rules 1, 2, 4): say why in its source
            held = facts[d.key]
            facts[d.key] = Fact(held.resource_type, held.key, held.value, source, held.extra)
    return [facts[k] for k in sorted(facts)]


@functools.lru_cache(maxsize=None)
def service_spec_version() -> str:
    """The second CloudFormation source as the pack header records it ("@aws-cdk/aws-service-spec 0.1.216")."""
    text = read_pack("cloudformation/create_only.tsv")
    head = text[: text.find("\n", 1)]
    marker = " and @aws-cdk/aws-service-spec "
    at = head.find(marker)
    if at == -1:
        return "aws-service-spec"
    return "@aws-cdk/aws-service-spec " + head[at + len(marker):].split(" ", 1)[0]


class Packs:
    """Facts per resource type, from the shipped packs plus any user packs."""

    def __init__(self, user_packs: list[dict] | None = None,
                 versions: dict[str, tuple] | None = None) -> None:
        self._user = user_packs or []
        # provider -> (the lowest release the module may run, the exclusive upper end of what it
        # may run or None: up to the newest the pack knows), from knowledge/versions.py; a
        # provider not named runs the newest release the pack knows
        self.spans: dict[str, tuple] = dict(versions or {})
        self._views: dict[tuple, Packs] = {}

    def at(self, versions: dict[str, tuple | None]) -> "Packs":
        """These packs as seen by a module that may run the given provider releases: per provider
        (lowest, exclusive upper end or None), or one release; None: the newest the pack knows.
        One view per set of versions, its caches its own."""
        spans = {}
        for p, v in versions.items():
            if v is None:
                continue
            if isinstance(v[0], int):  # one release
                v = (v, (v[0], v[1], v[2] + 1))
            if v[0] is not None:
                spans[p] = v
        key = tuple(sorted(spans.items()))
        if not key:
            return self
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = Packs(self._user, dict(key))
        return view

    def _terraform_facts(self, resource_type: str, kind: str) -> list[Fact]:
        facts = _versioned_facts(self._pack_path(resource_type, kind), resource_type, VERSIONED_COLUMN[kind])
        if any(f.versions for f in facts):
            provider = provider_of(resource_type)[1]
            span = self.spans.get(provider)
            if span is None:  # the newest release
                facts = [f for f in facts if not f.versions or _holds(f.versions, None)]
            else:
                facts = [g for g in (_within(f, span, provider) for f in facts) if g is not None]
        return facts

    def _pack_path(self, resource_type: str, kind: str) -> str:
        language, provider = provider_of(resource_type)
        if language == "cloudformation":
            return f"cloudformation/{kind}.tsv"
        return f"terraform/{provider}/{kind}.tsv"

    def _user_facts(self, section: str, resource_type: str) -> list[Fact]:
        out = []
        for pack in self._user:
            for entry in (pack.get(section) or {}).get(resource_type, []) or []:
                out.append(entry)
        return out

    @functools.lru_cache(maxsize=4096)
    def replacement(self, resource_type: str) -> tuple[Fact, ...]:
        """Attribute paths whose change forces (or may force) a new resource.

        `value` is `force_new` (always) or `conditional` (only under a condition; `extra`
        may hold a known condition as (attribute, value)).
        """
        if "::" in resource_type:
            facts = _cfn_replacement(resource_type)
            if resource_type.startswith(SAM_PREFIX):
                facts += self._sam_facts(resource_type)
        else:
            facts = self._terraform_facts(resource_type, "force_new")
            facts += _facts(self._pack_path(resource_type, "conditions"), resource_type)
        facts += self._user_facts("replacement", resource_type)
        return tuple(facts)

    @functools.lru_cache(maxsize=4096)
    def may_replace_keys(self, resource_type: str) -> frozenset[str]:
        """Properties only one source says replace, decided "may replace" (a note, never certain)."""
        return frozenset(f.key for f in self.replacement(resource_type) if f.value == "may_replace")

    @functools.lru_cache(maxsize=1024)
    def disagreements(self, resource_type: str) -> tuple[Fact, ...]:
        """The reviewed disagreements of the two CloudFormation sources for a type: value is the
        decision, extra is (cfn-lint says, service spec says, reason)."""
        if "::" not in resource_type:
            return ()
        return tuple(_facts("cloudformation/disagreements.tsv", resource_type))

    def _sam_facts(self, resource_type: str) -> list[Fact]:
        """A SAM property is judged by what the transform makes of it (cloudformation/sam.tsv):
        the strongest replacement fact of the generated resources' properties it feeds."""
        strength = {"create_only": 3, "conditional": 2, "may_replace": 1}
        best: dict[str, Fact] = {}
        for row in _rows("cloudformation/sam.tsv", resource_type):
            if len(row) < 5:
                continue
            _, sam_property, generated_type, generated_property, source = row[:5]
            for fact in self.replacement(generated_type):
                if fact.key != generated_property or fact.value not in strength:
                    continue
                mine = Fact(resource_type, sam_property, fact.value,
                            f"{source}: {sam_property} becomes {generated_type}.{generated_property}, "
                            f"whose fact is from {fact.source}", fact.extra)
                held = best.get(sam_property)
                if held is None or strength[mine.value] > strength[held.value]:
                    best[sam_property] = mine
        return [best[k] for k in sorted(best)]

    @functools.lru_cache(maxsize=4096)
    def force_new_keys(self, resource_type: str) -> frozenset[str]:
        """The attribute paths whose change always replaces (force_new / create_only)."""
        return frozenset(f.key for f in self.replacement(resource_type) if f.value in ("force_new", "create_only"))

    @functools.lru_cache(maxsize=1024)
    def attributes(self, resource_type: str) -> dict[str, AttributeFact]:
        """Required/Optional/Computed/Deprecated/Sensitive flags and literal defaults per attribute
        path of a Terraform resource type, from its provider's schema ({} when unknown). The
        returned dict is shared: do not modify it."""
        if "::" in resource_type:
            return {}
        out: dict[str, AttributeFact] = {}
        source = ""
        version = self.spans.get(provider_of(resource_type)[1], (None,))[0]
        for row in _attribute_rows(self._pack_path(resource_type, "attributes"), resource_type):
            if len(row) < 5:
                continue
            if row[4] != ATTRIBUTE_DITTO:
                source = row[4]
            versions = row[VERSIONED_COLUMN["attributes"]] if len(row) > VERSIONED_COLUMN["attributes"] else ""
            if versions and not _holds(versions, version):
                continue  # a row for other releases than the one the module runs
            out[row[1]] = AttributeFact(row[2], row[3], source, versions)
        return out

    @functools.lru_cache(maxsize=4096)
    def protection(self, resource_type: str) -> tuple[Fact, ...]:
        """Attributes that guard against deletion and their protective value."""
        facts = _facts(self._pack_path(resource_type, "protection"), resource_type)
        facts += self._user_facts("protection", resource_type)
        return tuple(facts)

    @functools.lru_cache(maxsize=4096)
    def protective_default(self, resource_type: str, attribute: str) -> str | None:
        """The provider's default for a protection argument (a `deletion_protection` that is on
        unless set to false): the hand-kept terraform/protection_defaults.tsv first, else the
        default in the type's schema facts (attributes.tsv)."""
        if "::" in resource_type:
            return None
        for fact in _facts("terraform/protection_defaults.tsv", resource_type):
            if fact.key == attribute:
                return fact.value
        schema = self.attributes(resource_type).get(attribute)
        if schema is not None and schema.known_default:  # the schema's own default (a JSON literal)
            return schema.known_default.strip('"')
        return None

    @functools.lru_cache(maxsize=4096)
    def stateful(self, resource_type: str) -> Fact | None:
        """Why destroying this type loses data, or None when it holds none we know of."""
        user = self._user_facts("stateful", resource_type)
        if user:
            return user[0]
        if is_arm_type(resource_type):  # Pulumi azure-native: as the azurerm type for the same ARM type
            equivalent = _arm_equivalents().get(resource_type)
            facts = _facts("terraform/azurerm/stateful.tsv", equivalent) if equivalent else []
            return replace(facts[0], resource_type=resource_type, source=f"{facts[0].source} (as {equivalent}: "
                                       f"pulumi/azure_native.tsv)") if facts else None
        facts = _facts(self._pack_path(resource_type, "stateful"), resource_type)
        if not facts and "::" in resource_type:
            facts = _facts("cloudformation/stateful_hand.tsv", resource_type)
        return facts[0] if facts else None

    @functools.lru_cache(maxsize=8)
    def features(self, provider: str) -> tuple[Fact, ...]:
        """Provider-level protective switches: (block, attribute, protective value, source)."""
        text = read_pack(f"terraform/{provider}/features.tsv")
        out = []
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            row = line.split("\t")
            if len(row) >= 4:
                out.append(Fact(row[0], row[1], row[2], row[3]))
        return tuple(out)

    def __hash__(self) -> int:  # lru_cache on methods needs a hashable self
        return id(self)
