"""CloudFormation templates in a change → stack diffs (one stack per template file).

Templates are recognised by content, in any file name. A template that cannot be read after
the change is a parse-error finding and its stack is not compared: an unreadable template
must not read as "every resource removed". A template that vanished and one that appeared
with the same logical IDs and types (converted from YAML to JSON, or back) are one stack.
"""

from __future__ import annotations

import posixpath
from typing import Any

from iaclint.core.facts import CloudFormationFacts
from iaclint.core.model import Pos, Problem, Severity, StackDiff
from iaclint.languages.base import LoadContext, Loaded, on_side, read_text, secret_texts


class CloudFormationLoader:
    language = "cloudformation"

    def load(self, before, after, paths: list[str], ctx: LoadContext) -> Loaded:
        out = Loaded()
        analyze_templates(before, after, paths, ctx.renames, out, ctx.store, ctx.check)
        return out


LOADER = CloudFormationLoader()


def analyze_templates(before, after, paths, renames, result: Loaded, store=None, check=None) -> None:
    """`check`: see `LoadContext.check`; a pair read in a worker is checked there."""
    from iaclint.core.diff import diff_resources
    from iaclint.languages.cloudformation.template import looks_like_template

    from iaclint.languages.cloudformation.assembly import find_assemblies

    assemblies = find_assemblies((before, after), paths)
    if assemblies:  # a synthesized cdk.out: its templates are read as its stacks, and only so
        paths = _analyze_assemblies(before, after, assemblies, paths, result, store)
    reverse = {new: old for old, new in renames.items()}
    # git trees: one `cat-file --batch` per side for every template, not one git process per file
    after.prefetch(list(paths))
    before.prefetch([reverse.get(p, p) for p in paths])
    handled_old: set[str] = set()
    pending = []  # what each path needs, read first so that every template is parsed in one go
    for path in paths:
        if path in handled_old:
            continue
        old_path = reverse.get(path, path)
        if old_path != path:
            handled_old.add(old_path)
        if path in renames and after.exists(renames[path]):
            continue  # compared under its new name
        a, b = read_text(after, path, "after"), read_text(before, old_path, "before")
        a_is = a.text is not None and looks_like_template(a.text)
        b_is = b.text is not None and looks_like_template(b.text)
        named_as_template = path.lower().endswith((".template", ".cfn", ".cform"))
        # A problem reading a side counts only for a template: any .json or .yaml may change.
        if a.problem is not None and (a_is or b_is or named_as_template):
            result.problems.append(a.problem)
        if b.problem is not None and (a_is or b_is or named_as_template):
            result.problems.append(b.problem)
        pending.append((path, old_path, a, b, a_is, b_is))

    jobs = []
    for path, old_path, a, b, a_is, b_is in pending:
        if a_is and b_is:  # read together: by what the change touched (`paired`)
            jobs.append(((before, old_path, b.text, path), (after, path, a.text, path)))
            continue
        jobs += [(before, old_path, b.text, path)] if b_is else []
        jobs += [(after, path, a.text, path)] if a_is else []
    compared: dict = {}
    checked: dict = {}
    changed_files = set(paths)
    parsed = _parse_all(jobs, store, compared, _PairCheck(check, changed_files, checked) if check is not None else None)
    converted = _converted(pending, parsed, before, after)
    converted_from = set(converted.values())

    for path, old_path, a, b, a_is, b_is in pending:
        if path in converted_from:
            continue  # compared with the template it became
        if a.text is None and a.problem is not None and a.problem.fatal:
            continue  # AFTER cannot be read at all: reported; never "every resource removed"
        if not a_is and not b_is:
            continue
        if path in converted:
            old_path, b_is = converted[path], True
        elsewhere = checked.get((id(after), path)) if a_is and b_is else None
        if elsewhere is not None:  # read and checked in a worker: its read is loaded when asked for
            result.problems += elsewhere.problems
            result.secrets |= elsewhere.secrets
            result.checked[len(result.diffs)] = elsewhere.findings
            result.diffs.append(_PairDiff.of(path, old_path, elsewhere, changed_files, a.text))
            result.files += 1
            continue
        b_parsed = parsed[(id(before), old_path)] if b_is else None
        a_parsed = parsed[(id(after), path)] if a_is else None
        if a_parsed is not None and a_parsed.fatal:
            p = next(p for p in a_parsed.problems if p.fatal)
            result.problems += on_side([p], "after")
            continue
        if b_parsed is not None and b_parsed.fatal:
            p = next(p for p in b_parsed.problems if p.fatal)
            result.problems += on_side([p], "before")
            b_parsed = None
        if a_parsed is not None:
            result.problems += [_nonfatal(path, p) for p in a_parsed.problems if not p.fatal]
        for parsed_side in (b_parsed, a_parsed):
            result.secrets |= _no_echo_defaults(parsed_side)
        before_res = b_parsed.resources if b_parsed else {}
        after_res = a_parsed.resources if a_parsed else {}
        # a pair read by what the change touched came with its changes (compared where it was
        # read, maybe in a worker): the untouched resources are the same on both sides
        changes = compared.get((id(after), path)) if b_parsed is not None and a_parsed is not None else None
        result.diffs.append(_template_diff(
            path, old_path, b_parsed, a_parsed, changes if changes is not None else diff_resources(before_res, after_res),
            changed_files, a.text))
        result.files += 1


def _template_diff(path: str, old_path: str, b_parsed, a_parsed, changes: list, changed_files: set[str], a_text) -> StackDiff:
    """The stack diff of one template file (`path`, `old_path` before the change)."""
    before_res = b_parsed.resources if b_parsed else {}
    after_res = a_parsed.resources if a_parsed else {}
    return StackDiff(
        stack=path,
        language="cloudformation",
        changes=changes,
        before_count=len(before_res),
        after_count=len(after_res),
        facts=CloudFormationFacts(template_before=b_parsed, template_after=a_parsed),
        before_resources=before_res,
        after_resources=after_res,
        changed_files=changed_files | {old_path},
        stack_comments=_allow_comments(a_text or "", path),
    )


class _PairCheck:
    """A pair read in a worker, checked there: the stack diff `analyze_templates` would build of
    it, with every rule run over it (`LoadContext.check`), and what the run needs of it besides
    (`_Checked`). A pair not checked so (read here, from the cache, or its check failed) is
    built here and checked by the runner as any other stack."""

    def __init__(self, check, changed_files: set[str], checked: dict) -> None:
        self.check, self.changed_files = check, changed_files
        self.checked = checked  # (id(after tree), path) -> _Checked, as the workers' answers are taken

    def __call__(self, job, result) -> tuple | None:
        """`_Checked` fields but the read's bytes, for a pair job whose read is `result`; None
        for a read the loader would not compare as it was read."""
        from iaclint.languages.cloudformation.paired import PairRead

        if not isinstance(result, PairRead):
            return None
        (_, b_path, b_text, stack), (_, a_path, a_text, _) = job
        try:
            b, a = result.sides(b_text, a_text, b_path, a_path, stack)
            if b.fatal or a.fatal:
                return None
            found = self.check(_template_diff(a_path, b_path, b, a, result.changes, self.changed_files, a_text))
            problems = [_nonfatal(a_path, p) for p in a.problems if not p.fatal]
            return found, len(b.resources), len(a.resources), _no_echo_defaults(b) | _no_echo_defaults(a), problems
        except Exception:  # noqa: BLE001 - the runner checks it, and reports what fails the way it always does
            return None


class _Checked:
    """What the run needs of a pair read and checked in a worker: its findings, its counts, the
    values to hide, the problems its AFTER side read with; and the read, pickled, for whatever
    asks for more (`_PairDiff`)."""

    __slots__ = ("data", "findings", "before_count", "after_count", "secrets", "problems", "job")

    def __init__(self, data: bytes, answer: tuple, job) -> None:
        self.data, self.job = data, job
        self.findings, self.before_count, self.after_count, self.secrets, self.problems = answer


class _PairDiff(StackDiff):
    """The stack diff of a template pair read and checked in a worker. Its changes, facts and
    resources are the pickled read, loaded the first time one of them is asked for: a run that
    only reports (most runs) never unpickles what the worker read. The same stack diff as
    `_template_diff` builds (a test compares them)."""

    by_parts = True  # its resources are all in its own file (`removed_positions`)
    _HEAVY = frozenset({"changes", "facts", "before_resources", "after_resources"})

    @classmethod
    def of(cls, path: str, old_path: str, checked: _Checked, changed_files: set[str], a_text) -> _PairDiff:
        diff = cls.__new__(cls)
        diff.__dict__.update(
            stack=path, language="cloudformation", before_count=checked.before_count, after_count=checked.after_count,
            moved_from=set(), moves={}, changed_files=changed_files | {old_path},
            stack_comments=_allow_comments(a_text or "", path), _checked=checked,
        )
        return diff

    def __getattr__(self, name: str):
        if name not in self._HEAVY or "_checked" not in self.__dict__:
            raise AttributeError(name)
        try:
            self._load()
        except AttributeError as exc:  # inside __getattr__ it would read as "no such field"
            raise RuntimeError(f"the worker's read of {self.stack} did not load: {exc}") from exc
        return self.__dict__[name]

    def _load(self) -> None:
        from iaclint.cache.store import loads
        from iaclint.core.diff import diff_resources
        from iaclint.languages.cloudformation.paired import PairRead

        checked = self.__dict__.pop("_checked")
        job = checked.job
        (_, b_path, b_text, stack), (_, a_path, a_text, _) = job
        read = loads(checked.data)
        if not isinstance(read, PairRead):  # never expected (the worker read it so): read it again
            read = _read(job)
        if isinstance(read, PairRead):
            b, a = read.sides(b_text, a_text, b_path, a_path, stack)
            changes = read.changes
        else:
            b, a = read
            changes = diff_resources(b.resources, a.resources)
        self.__dict__.update(changes=changes, facts=CloudFormationFacts(template_before=b, template_after=a),
                             before_resources=b.resources, after_resources=a.resources)


def _analyze_assemblies(before, after, assemblies: dict, paths: list[str], result: Loaded, store) -> list[str]:
    """One stack diff per stack of each changed cloud assembly, paired by environment and stack
    name; returns the paths left for the template loader (none the assemblies explain)."""
    from iaclint.core.diff import diff_resources
    from iaclint.languages.cloudformation import assembly as asm

    remaining = list(paths)
    for directory, mine in sorted(assemblies.items()):
        b, a = asm.read_manifest(before, directory, "before"), asm.read_manifest(after, directory, "after")
        unread = [m.problem for m in (b, a) if m.problem is not None]
        if unread:  # fail closed: its templates are still read, one by one, as plain templates
            result.problems += unread
            continue
        stacks = [*b.stacks.values(), *a.stacks.values()]
        explained = {p for p in mine if asm.owned(directory, posixpath.basename(p), stacks)}
        remaining = [p for p in remaining if p not in explained]
        manifest = asm._join(directory, asm.MANIFEST)
        pending = []
        for identity in sorted(set(b.stacks) | set(a.stacks)):
            sb, sa = b.stacks.get(identity), a.stacks.get(identity)
            touched = {manifest} | {p for s in (sb, sa) if s is not None for p in (s.template, *s.metadata_files)}
            if not touched & set(mine):
                continue
            label = (sa or sb).display
            bt = read_text(before, sb.template, "before") if sb is not None else None
            at = read_text(after, sa.template, "after") if sa is not None else None
            for side in (bt, at):
                if side is not None and side.problem is not None:
                    result.problems.append(side.problem)
            pending.append((label, sb, sa, bt, at))
        jobs = []
        for label, sb, sa, bt, at in pending:
            jobs += [(before, sb.template, bt.text, label)] if bt is not None and bt.text is not None else []
            jobs += [(after, sa.template, at.text, label)] if at is not None and at.text is not None else []
        parsed = _parse_all(jobs, store)
        for label, sb, sa, bt, at in pending:
            if sa is not None and (at.text is None and at.problem is not None and at.problem.fatal):
                continue  # AFTER cannot be read at all: reported; never "every resource removed"
            if sa is not None and at.text is None:  # the manifest names a template that is not there
                result.problems.append(Problem(sa.template, Pos(1), f"the cloud assembly names {sa.template} as the "
                                               f"template of stack {label}, but it is not there: the stack is not compared",
                                               side="after"))
                continue
            b_parsed = parsed.get((id(before), sb.template)) if sb is not None else None
            a_parsed = parsed.get((id(after), sa.template)) if sa is not None else None
            if a_parsed is not None and a_parsed.fatal:
                result.problems += on_side([next(p for p in a_parsed.problems if p.fatal)], "after")
                continue
            if b_parsed is not None and b_parsed.fatal:
                result.problems += on_side([next(p for p in b_parsed.problems if p.fatal)], "before")
                b_parsed = None
            if a_parsed is not None:
                result.problems += [_nonfatal(sa.template, p) for p in a_parsed.problems if not p.fatal]
            for parsed_side, stack, tree in ((b_parsed, sb, before), (a_parsed, sa, after)):
                result.secrets |= _no_echo_defaults(parsed_side)
                if parsed_side is not None:
                    _name_by_construct(parsed_side, stack, tree, after)
            before_res = b_parsed.resources if b_parsed else {}
            after_res = a_parsed.resources if a_parsed else {}
            result.diffs.append(StackDiff(
                stack=label,
                language="cloudformation",
                changes=diff_resources(before_res, after_res),
                before_count=len(before_res),
                after_count=len(after_res),
                facts=CloudFormationFacts(
                    template_before=b_parsed, template_after=a_parsed,
                    termination_protection_before=sb.termination_protection if sb else None,
                    termination_protection_after=sa.termination_protection if sa else None,
                    manifest=sa.manifest if sa else None, manifest_pos=sa.pos if sa else None),
                before_resources=before_res,
                after_resources=after_res,
                changed_files={s.template for s in (sb, sa) if s is not None} | set(mine),
                stack_comments=[],
            ))
            result.files += 1
    return remaining


def _name_by_construct(parsed, stack, tree, after) -> None:
    """Each resource's construct path and the user's line that created it, from the manifest."""
    from iaclint.languages.cloudformation.assembly import in_tree

    for logical_id, resource in parsed.resources.items():
        path, frame = stack.origins.get(logical_id, (None, None))
        if path and not resource.meta.get("construct_path"):
            resource.meta["construct_path"] = path
        if frame:
            resource.meta["created_at"] = in_tree(after, frame) or in_tree(tree, frame) or frame


def _converted(pending: list, parsed: dict, before, after) -> dict[str, str]:
    """new path -> old path: a template that vanished and one that appeared with the same
    logical IDs and types, as when a template is converted from YAML to JSON (or back) or
    moved and reformatted. Their bytes differ, so no content rename pairs them; compared apart,
    every resource would read as deleted and created again. Paired, they are compared resource
    by resource, so a real change made in the same edit is still seen. Ties go to the same
    directory and file stem, then to path order: the result never depends on set order."""
    gone: dict[frozenset, list[str]] = {}
    for path, old_path, _, _, a_is, b_is in sorted(pending, key=lambda e: e[0]):
        if b_is and not a_is and old_path == path and not after.exists(path):
            _group(gone, parsed[(id(before), path)], path)
    out: dict[str, str] = {}
    for path, old_path, _, _, a_is, b_is in sorted(pending, key=lambda e: e[0]):
        if not (a_is and not b_is and old_path == path and not before.exists(path)):
            continue
        template = parsed[(id(after), path)]
        candidates = gone.get(_signature(template)) if not template.fatal else None
        if candidates:
            stem, folder = posixpath.splitext(path)[0], posixpath.dirname(path)
            pick = min(candidates, key=lambda old: (posixpath.splitext(old)[0] != stem, posixpath.dirname(old) != folder, old))
            candidates.remove(pick)
            out[path] = pick
    return out


def _group(groups: dict, template, path: str) -> None:
    if not template.fatal and template.resources:
        groups.setdefault(_signature(template), []).append(path)


def _signature(template) -> frozenset:
    return frozenset((logical_id, r.type) for logical_id, r in template.resources.items())


def _no_echo_defaults(parsed) -> set[str]:
    """The defaults of NoEcho parameters: CloudFormation masks them, and so does iaclint."""
    out: set[str] = set()
    for spec in (parsed.parameters.values() if parsed is not None and isinstance(parsed.parameters, dict) else []):
        if isinstance(spec, dict) and str(spec.get("NoEcho", "")).lower() == "true" and "Default" in spec:
            out |= secret_texts(spec["Default"])
    return out


def _parse_all(jobs: list, store, compared: dict | None = None, pair_check: _PairCheck | None = None) -> dict:
    """(id(tree), path) -> ParsedTemplate for each job: a (tree, path, text, stack) side, or a
    pair of them (before, after) that is read together by what the change touched. From the
    disk cache (keyed by content: a side's blob, or a pair's two blobs) where it is there, else
    in worker processes when there are many, else here. A pair read in a worker is checked
    there too, by `pair_check`."""
    from iaclint.cache import workers
    from iaclint.cache.store import loads
    from iaclint.languages.cloudformation.paired import PairRead
    from iaclint.languages.cloudformation.template import ParsedTemplate

    compared = compared if compared is not None else {}
    out: dict = {}
    keys: dict = {}
    misses = []
    for job in jobs:
        if isinstance(job[0], tuple):
            cached = _cached_pair(job, store, keys)
            if isinstance(cached, PairRead):
                _store_pair(job, cached, out, keys, None, compared)
                continue
            # both sides whole in the cache (each read alone by an earlier run): as they are.
            # AFTER is looked up first: BEFORE alone (the usual warm case, cached by the run that
            # linted it as AFTER) does not spare the pair's read, so it is not loaded for nothing
            after = _cached_side(job[1], store, keys)
            before = _cached_side(job[0], store, keys) if isinstance(after, ParsedTemplate) else None
            if isinstance(before, ParsedTemplate):
                for (tree, path, _, _), whole in zip(job, (before, after)):
                    out[(id(tree), path)] = whole
                continue
            _side_key(job[0], store, keys)  # a pair read whole is stored under each side's key
        else:
            cached = _cached_side(job, store, keys)
            if isinstance(cached, ParsedTemplate):
                out[(id(job[0]), job[1])] = cached
                continue
        misses.append(job)

    n = workers.count(len(misses), sum(_size(job) for job in misses))
    done: dict[int, Any] = {}
    raw: dict[int, bytes] = {}
    elsewhere: set[int] = set()
    if n > 1:
        order = sorted(range(len(misses)), key=lambda i: -_size(misses[i]))
        read = _read if pair_check is None else _read_and_check(pair_check)
        for i, data in workers.stream(read, misses, n, order):  # unpickled while the others still read
            if pair_check is not None:
                data, answer = _own_answer(data)
                if data is None:
                    continue
                if answer is not None:  # checked there: its read stays pickled until asked for
                    job = misses[i]
                    pair_check.checked[(id(job[1][0]), job[1][1])] = _Checked(data, answer, job)
                    pair_key = keys.get(("pair", id(job[1][0]), job[1][1]))
                    if store is not None and pair_key is not None:
                        store.put(pair_key, data=data)
                    elsewhere.add(i)
                    continue
            done[i], raw[i] = loads(data), data
    for i, job in enumerate(misses):
        if i in elsewhere:
            continue  # read and checked in a worker: `_Checked`
        result, data = done.get(i), raw.get(i)
        if result is None:  # not read by a worker, or its answer did not load: read here
            result, data = _read(job), None
        if isinstance(job[0], tuple):
            _store_pair(job, result, out, keys, store, compared, data)
        else:
            tree, path = job[0], job[1]
            out[(id(tree), path)] = result
            if (id(tree), path) in keys:
                store.put(keys[(id(tree), path)], result, data=data)
    return out


def _cached_side(side, store, keys: dict):
    key = _side_key(side, store, keys)
    return store.get(key) if key is not None else None


def _side_key(side, store, keys: dict):
    """The cache key of one side read whole (recorded in `keys`), or None without a store."""
    tree, path, _, stack = side
    oid = tree.object_id(path) if store is not None else None
    if oid is None:
        return None
    keys[(id(tree), path)] = key = store.key("cfn-template", path, stack, oid)
    return key


def _cached_pair(job, store, keys: dict):
    (b_tree, b_path, _, stack), (a_tree, a_path, _, _) = job
    if store is None:
        return None
    b_oid, a_oid = b_tree.object_id(b_path), a_tree.object_id(a_path)
    if b_oid is None or a_oid is None:
        return None
    keys[("pair", id(a_tree), a_path)] = key = store.key("cfn-pair", b_path, a_path, stack, b_oid, a_oid)
    return store.get(key)


def _size(job) -> int:
    return sum(len(side[2]) for side in job) if isinstance(job[0], tuple) else len(job[2])


def _read_and_check(pair_check: _PairCheck):
    """A worker's task: a job's read, pickled, and (a pair read by what changed) the findings
    of its stack."""
    from iaclint.cache.store import dumps

    def read(job):
        result = _read(job)
        data = dumps(result)  # first: the check makes views of the read in place (`lazy`)
        answer = pair_check(job, result) if data is not None and isinstance(job[0], tuple) else None
        return data, answer

    return read


def _own_answer(data: bytes) -> tuple:
    """(the read's bytes, `_PairCheck`'s answer or None) from a worker's answer; (None, None)
    if it does not load. Our own child's answer, never from disk: plain unpickling."""
    from _pickle import loads

    try:
        answer, found = loads(data)
    except Exception:  # noqa: BLE001 - the job is done here instead
        return None, None
    return (answer, found) if isinstance(answer, bytes) else (None, None)


def _read(job):
    """One side read whole, or a pair read together (a `PairRead`, or the two sides whole)."""
    from iaclint.languages.cloudformation.template import parse_template

    if not isinstance(job[0], tuple):
        tree, path, text, stack = job
        return parse_template(text, path, stack)
    from iaclint.languages.cloudformation.paired import read_pair

    (_, b_path, b_text, stack), (_, a_path, a_text, _) = job
    read = read_pair(b_text, a_text, b_path, a_path, stack)
    if read is not None:
        return read
    return parse_template(b_text, b_path, stack), parse_template(a_text, a_path, stack)


def _store_pair(job, result, out: dict, keys: dict, store, compared: dict, data: bytes | None = None) -> None:
    """The two sides of a pair job into `out`, and into the cache (`store`, when given): a
    pair read by what changed under the pair's key, a pair read whole under each side's."""
    from iaclint.languages.cloudformation.paired import PairRead

    (b_tree, b_path, b_text, stack), (a_tree, a_path, a_text, _) = job
    if isinstance(result, PairRead):
        pair_key = keys.get(("pair", id(a_tree), a_path))
        if store is not None and pair_key is not None:
            store.put(pair_key, result, data=data)  # before `sides`: the plain read, not its views
        out[(id(b_tree), b_path)], out[(id(a_tree), a_path)] = result.sides(b_text, a_text, b_path, a_path, stack)
        compared[(id(a_tree), a_path)] = result.changes
        return
    for (tree, path, _, _), template in zip(job, result):
        out[(id(tree), path)] = template
        if store is not None and (id(tree), path) in keys:
            store.put(keys[(id(tree), path)], template)


def _nonfatal(path: str, p: Problem) -> Problem:
    """A template read with a flaw: a duplicate key is an error (CloudFormation rejects it),
    anything else a warning."""
    duplicate = "duplicate" in p.message.lower()
    return Problem(
        path, p.pos, p.message, fatal=False, side="after",
        code="IAC005" if duplicate else "IAC001",
        severity=Severity.ERROR if duplicate else Severity.WARNING,
        help="keep one value; CloudFormation rejects duplicate keys" if duplicate else "fix the template",
    )


def _allow_comments(text: str, path: str) -> list:
    if "iaclint" not in text:
        return []
    out = []
    for i, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#") and "iaclint" in stripped:
            out.append((path, Pos(i, line.index("#") + 1), stripped))
    return out
