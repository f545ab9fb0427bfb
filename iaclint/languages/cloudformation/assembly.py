"""CDK cloud assemblies (a synthesized `cdk.out`): which stacks it holds, and where each
resource came from.

A directory is an assembly when its `manifest.json` has an `artifacts` mapping (or when it holds
the `cdk.out` marker file). Its stacks are the artifacts of type `aws:cloudformation:stack`,
each naming its template (`properties.templateFile`, relative to the directory). A stage's
stacks sit in a nested assembly (`cdk:cloud-assembly`, `assembly-<Stage>/`) with its own
manifest: each manifest directory is read as one assembly.

A stack is the same stack on both sides when its environment and name are
(`properties.stackName`, which defaults to the artifact id): the template file's name is no part
of it. Its resources are read by the CloudFormation template reader, compared and judged by the
CloudFormation rules like any template. What the assembly adds is per logical ID:

- the construct path (`aws:cdk:path`, from the template's `Metadata` or the manifest's
  `metadata` entries, keyed by path, with their `aws:cdk:logicalId`);
- the user's source line that created it, when the assembly carries creation stack traces: a
  `trace` on the `aws:cdk:logicalId` entry (older CDK, synthesized with `--debug` or
  `CDK_DEBUG`), or an `aws:cdk:creationStack` entry beside it (in the artifact's
  `additionalMetadataFile`, newer CDK). The first frame outside the CDK library and node's
  own code is the user's line. Nothing is executed: the frames are text.

The files the assembly explains (its manifest, its stacks' templates on either side, its
metadata, asset manifests and construct tree) are read here only, never again as plain
templates. A nested stack's template (`*.nested.template.json`, a file asset) and anything else
in the directory are left to the template loader.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from iaclint.core.model import Pos, Problem

MANIFEST = "manifest.json"
MARKER = "cdk.out"
STACK = "aws:cloudformation:stack"
# files CDK writes into an assembly for its own bookkeeping: no template in them
_BOOKKEEPING = ("tree.json", "validation-report.json", "performance-counters.json", MANIFEST, MARKER)
_BOOKKEEPING_SUFFIXES = (".assets.json", ".metadata.json")
# a stack trace frame: "new Foo (/abs/path/file.ts:12:5)", "at new Foo (file:///x.js:3:1)", "/abs/app.js:75:1"
_FRAME = re.compile(r"\(?(?P<file>(?:file://)?[^\s()]+?):(?P<line>\d+):(?P<col>\d+)\)?\s*$")
# frames that are not the user's code
_LIBRARY = ("node_modules", "aws-cdk-lib", "@aws-cdk", "node:internal", "jsii", "/constructs/", "internal/")


@dataclass
class AssemblyStack:
    artifact: str  # artifact id
    name: str  # the CloudFormation stack name
    display: str  # displayName (Prod/Service), else the artifact id
    environment: str
    template: str  # path of its template, relative to the compared root
    termination_protection: Any = None  # `properties.terminationProtection`
    manifest: str = ""
    pos: Pos = field(default_factory=lambda: Pos(1))  # the artifact (its terminationProtection) in the manifest
    metadata_files: list[str] = field(default_factory=list)
    # logical ID -> (construct path, user source frame "file:line" or None)
    origins: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    @property
    def identity(self) -> tuple[str, str]:
        return (self.environment, self.name)


@dataclass
class Manifest:
    directory: str
    stacks: dict[tuple[str, str], AssemblyStack] = field(default_factory=dict)
    problem: Problem | None = None  # the manifest could not be read: its directory is read as plain files
    present: bool = False


def _join(directory: str, name: str) -> str:
    return posixpath.normpath(posixpath.join(directory, name)) if directory else posixpath.normpath(name)


def find_assemblies(trees, paths: list[str]) -> dict[str, list[str]]:
    """assembly directory -> the changed paths directly in it. A directory is an assembly when
    either side has a `manifest.json` with `artifacts`, or the `cdk.out` marker file."""
    seen: dict[str, bool] = {}
    out: dict[str, list[str]] = {}
    for path in paths:
        directory = posixpath.dirname(path)
        if directory not in seen:
            seen[directory] = any(_is_assembly(tree, directory) for tree in trees)
        if seen[directory]:
            out.setdefault(directory, []).append(path)
    return out


def _is_assembly(tree, directory: str) -> bool:
    if tree.exists(_join(directory, MARKER)):
        return True
    manifest = _join(directory, MANIFEST)
    if not tree.exists(manifest):
        return False
    try:
        data = json.loads(tree.read(manifest))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("artifacts"), dict)


def read_manifest(tree, directory: str, side: str) -> Manifest:
    """The stacks of the assembly in `directory` on one side, with their resources' origins."""
    out = Manifest(directory)
    path = _join(directory, MANIFEST)
    if not tree.exists(path):
        return out
    out.present = True
    from iaclint.languages.json_reader import LoadError, load

    try:
        data, _ = load(tree.read(path).decode("utf-8"))  # positioned: where terminationProtection is said
    except (OSError, ValueError, LoadError, RecursionError) as exc:
        out.problem = Problem(path, Pos(1), f"the cloud assembly manifest cannot be read ({type(exc).__name__}); "
                                            "its templates are read as plain templates", side=side)
        return out
    artifacts = data.get("artifacts") if isinstance(data, dict) else None
    if not isinstance(artifacts, dict):
        out.problem = Problem(path, Pos(1), "the cloud assembly manifest has no `artifacts`; its templates are read "
                                            "as plain templates", side=side)
        return out
    for artifact_id, spec in artifacts.items():
        if not isinstance(spec, dict) or spec.get("type") != STACK:
            continue
        props = spec.get("properties") if isinstance(spec.get("properties"), dict) else {}
        template = props.get("templateFile")
        if not isinstance(template, str) or not template:
            continue
        stack = AssemblyStack(
            artifact=str(artifact_id),
            name=str(props.get("stackName") or artifact_id),
            display=str(spec.get("displayName") or artifact_id),
            environment=str(spec.get("environment") or ""),
            template=_join(directory, template),
            termination_protection=props.get("terminationProtection"),
            manifest=path,
            pos=_position(spec, props),
        )
        entries: dict[str, list] = {}
        _merge(entries, spec.get("metadata"))
        extra = spec.get("additionalMetadataFile")
        if isinstance(extra, str) and extra:
            extra_path = _join(directory, extra)
            stack.metadata_files.append(extra_path)
            if tree.exists(extra_path):
                try:
                    _merge(entries, json.loads(tree.read(extra_path)))
                except (OSError, ValueError):
                    pass  # only names and source lines are lost: the template still says everything
        stack.origins = _origins(entries)
        out.stacks[stack.identity] = stack
    return out


def _position(spec: Any, props: Any) -> Pos:
    """Where the manifest says an artifact's `terminationProtection` (else names the artifact)."""
    if hasattr(props, "key_pos") and "terminationProtection" in props.key_pos:
        return Pos(*props.key_pos["terminationProtection"])
    return Pos(getattr(spec, "line", 1), getattr(spec, "column", 1))


def _merge(entries: dict[str, list], metadata: Any) -> None:
    if isinstance(metadata, dict):
        for key, value in metadata.items():
            if isinstance(value, list):
                entries.setdefault(str(key), []).extend(v for v in value if isinstance(v, dict))


def _origins(entries: dict[str, list]) -> dict[str, tuple[str, str | None]]:
    out: dict[str, tuple[str, str | None]] = {}
    for construct_path, items in entries.items():
        logical = next((e for e in items if e.get("type") == "aws:cdk:logicalId" and isinstance(e.get("data"), str)), None)
        if logical is None:
            continue
        frames = logical.get("trace")
        if not isinstance(frames, list):
            stack = next((e for e in items if e.get("type") == "aws:cdk:creationStack"), None)
            frames = stack.get("data") if stack is not None else None
        out[logical["data"]] = (construct_path.lstrip("/"), user_frame(frames if isinstance(frames, list) else []))
    return out


def user_frame(frames: list) -> str | None:
    """"file:line" of the first frame of a creation stack that is the user's code."""
    for frame in frames:
        if not isinstance(frame, str):
            continue
        m = _FRAME.search(frame.strip())
        if m is None:
            continue
        file = m.group("file")
        file = file[len("file://"):] if file.startswith("file://") else file
        if any(part in file for part in _LIBRARY):
            continue
        return f"{file}:{m.group('line')}"
    return None


def in_tree(tree, frame: str | None) -> str | None:
    """The frame's file as a path of the compared tree (the longest suffix of its absolute
    path that exists there), with its line: "bin/app.ts:12". None when it is not there."""
    if not frame:
        return None
    file, _, line = frame.rpartition(":")
    parts = [p for p in file.replace("\\", "/").split("/") if p]
    for i in range(len(parts)):
        candidate = "/".join(parts[i:])
        try:
            if tree.exists(candidate):
                return f"{candidate}:{line}"
        except (OSError, ValueError):
            return None
    return None


def owned(directory: str, name: str, stacks: list[AssemblyStack]) -> bool:
    """Whether a file directly in the assembly is explained by it (never read as a plain template)."""
    path = _join(directory, name)
    if name in _BOOKKEEPING or name.endswith(_BOOKKEEPING_SUFFIXES):
        return True
    return any(path == s.template or path in s.metadata_files for s in stacks)
