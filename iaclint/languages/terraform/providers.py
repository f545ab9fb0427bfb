"""Which version of each provider a Terraform root module runs (knowledge/versions.py decides).

Terraform records the versions it chose in the root module's `.terraform.lock.hcl`: a child
module runs what its root locks, so the lock file is read from the root module's directory
only. Without one, every `required_providers` constraint (and legacy `provider` `version`) of
the root module and of the children it loads must hold, and the module may run any release
they allow: a fact is certain only where it holds in all of them.
"""

from __future__ import annotations

import posixpath

LOCK_FILE = ".terraform.lock.hcl"
NOTHING = "the newest the pack knows: no lock file and no version constraint"  # as versions.resolve says it


def lock_versions(data: bytes) -> dict[str, str]:
    """provider type → the version a lock file locks (`registry.terraform.io/hashicorp/aws` → aws).
    Read with the HCL reader; a file it cannot read locks nothing."""
    from iaclint.languages.terraform import hcl

    try:
        parsed = hcl.parse(data)
    except Exception:  # noqa: BLE001 - a lock file that cannot be read is as if absent: constraints decide
        return {}
    out: dict[str, str] = {}
    for b in parsed.blocks:
        if b.type != "provider" or not b.labels or "version" not in b.attributes:
            continue
        value = hcl.evaluate(b.attributes["version"].node)
        if isinstance(value, str):
            out[b.labels[0].rstrip("/").rsplit("/", 1)[-1].lower()] = value
    return out


def provider_versions(tree, directory: str, module, resource_types) -> dict[str, tuple]:
    """provider → (lowest version or None, why, exclusive upper end or None), for the providers
    the module locks, constrains or has resources of."""
    lock_path = posixpath.join(directory, LOCK_FILE) if directory else LOCK_FILE
    locked: dict[str, str] = {}
    if tree.exists(lock_path):
        try:
            locked = lock_versions(tree.read(lock_path))
        except Exception:  # noqa: BLE001 - unreadable (too large, vanished): as if absent
            locked = {}
    constraints: dict[str, list[tuple[str, str]]] = {}
    for provider, text, path in (module.provider_constraints if module is not None else []):
        seen = constraints.setdefault(provider, [])
        if (text, path) not in seen:
            seen.append((text, path))
    providers = set(locked) | set(constraints) | {t.split("_", 1)[0] for t in resource_types if "_" in t}
    out = {}
    if not locked and not constraints:  # the common case: nothing to resolve, nothing to import
        return {p: (None, NOTHING, None) for p in sorted(providers)}
    from iaclint.knowledge.versions import resolve

    for provider in sorted(providers):
        pinned = resolve(provider, locked.get(provider), lock_path, constraints.get(provider, []))
        out[provider] = (pinned.version, pinned.why, pinned.upper)
    return out
