"""CloudFormation templates in a change → stack diffs (one stack per template file).

Templates are recognised by content, in any file name. A template that cannot be read after
the change is a parse-error finding and its stack is not compared: an unreadable template
must not read as "every resource removed".
"""

from __future__ import annotations

from iaclint.model import Category, Finding, Pos, Severity, StackDiff


def _text(tree, path: str):
    """(text, problem message) for one side; (None, None) when the file does not exist."""
    from iaclint.parsers.decode import DecodeError, decode_text
    from iaclint.trees import FileTooLarge

    if not tree.exists(path):
        return None, None
    try:
        raw = tree.read(path)
    except FileTooLarge:
        return None, "file is larger than the size limit; not read"
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"file cannot be read: {exc.__class__.__name__}"
    try:
        return decode_text(raw), None
    except DecodeError as exc:
        return None, str(exc)


def analyze_templates(before, after, paths, renames, result, settings) -> None:
    from iaclint.diff import diff_resources
    from iaclint.engine.runner import problem_finding
    from iaclint.parsers.cloudformation import looks_like_template

    reverse = {new: old for old, new in renames.items()}
    # git trees: one `cat-file --batch` per side for every template, not one git process per file
    getattr(after, "prefetch", lambda paths: None)(list(paths))
    getattr(before, "prefetch", lambda paths: None)([reverse.get(p, p) for p in paths])
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
        a_text, a_err = _text(after, path)
        b_text, b_err = _text(before, old_path)
        a_is = a_text is not None and looks_like_template(a_text)
        b_is = b_text is not None and looks_like_template(b_text)
        unreadable = a_err and (b_is or path.lower().endswith((".template", ".cfn", ".cform")))
        pending.append((path, old_path, a_text, a_err if unreadable else None, b_text, a_is, b_is))

    jobs = []
    for path, old_path, a_text, a_err, b_text, a_is, b_is in pending:
        if not a_err:
            jobs += [(before, old_path, b_text, path)] if b_is else []
            jobs += [(after, path, a_text, path)] if a_is else []
    parsed = _parse_all(jobs, settings.get("cache"))

    for path, old_path, a_text, a_err, b_text, a_is, b_is in pending:
        if a_err:
            result.problems.append(problem_finding(path, Pos(1), a_err, after_side=True))
            continue
        if not a_is and not b_is:
            continue
        stack = path
        b_parsed = parsed[(id(before), old_path)] if b_is else None
        a_parsed = parsed[(id(after), path)] if a_is else None
        if a_parsed is not None and a_parsed.fatal:
            for p in a_parsed.problems:
                if p.fatal:
                    result.problems.append(problem_finding(path, Pos(p.line, p.column), p.message, after_side=True))
                    break
            continue
        if b_parsed is not None and b_parsed.fatal:
            p = next(p for p in b_parsed.problems if p.fatal)
            result.problems.append(problem_finding(old_path, Pos(p.line, p.column), p.message, after_side=False))
            b_parsed = None
        if a_parsed is not None:
            for p in a_parsed.problems:
                if not p.fatal:
                    result.problems.append(_nonfatal(path, p))
        before_res = b_parsed.resources if b_parsed else {}
        after_res = a_parsed.resources if a_parsed else {}
        changes = diff_resources(before_res, after_res)
        diff = StackDiff(
            stack=stack,
            language="cloudformation",
            changes=changes,
            before_count=len(before_res),
            after_count=len(after_res),
            extras={
                "changed_files": set(paths) | {old_path},
                "stack_comments": _allow_comments(a_text or "", path),
                "template_before": b_parsed,
                "template_after": a_parsed,
            },
        )
        result.diffs.append(diff)
        result.files += 1
        result.resources_before += len(before_res)
        result.resources_after += len(after_res)


def _parse_all(jobs: list, store) -> dict:
    """(id(tree), path) -> ParsedTemplate for each (tree, path, text, stack) job: from the disk
    cache (keyed by the file's content), else in worker processes when there are many, else here."""
    from iaclint import workers
    from iaclint.diskcache import loads
    from iaclint.parsers.cloudformation import ParsedTemplate, parse_template

    out: dict = {}
    keys: dict = {}
    misses = []
    for job in jobs:
        tree, path, text, stack = job
        oid = tree.object_id(path) if store is not None else None
        if oid is not None:
            keys[(id(tree), path)] = key = store.key("cfn-template", path, stack, oid)
            cached = store.get(key)
            if isinstance(cached, ParsedTemplate):
                out[(id(tree), path)] = cached
                continue
        misses.append(job)

    n = workers.count(len(misses), sum(len(text) for _, _, text, _ in misses))
    if n > 1:
        order = sorted(range(len(misses)), key=lambda i: -len(misses[i][2]))
        for i, data in workers.run(lambda job: parse_template(job[2], job[1], job[3]), misses, n, order).items():
            template = loads(data)
            if isinstance(template, ParsedTemplate):
                tree, path = misses[i][0], misses[i][1]
                out[(id(tree), path)] = template
                if (id(tree), path) in keys:
                    store.put(keys[(id(tree), path)], data=data)  # the worker's pickle is the entry
    for tree, path, text, stack in misses:
        if (id(tree), path) not in out:
            out[(id(tree), path)] = template = parse_template(text, path, stack)
            if (id(tree), path) in keys:
                store.put(keys[(id(tree), path)], template)
    return out


def _nonfatal(path: str, p) -> Finding:
    duplicate = "duplicate" in p.message.lower()
    return Finding(
        rule="IAC005" if duplicate else "IAC001",
        name="duplicate-key" if duplicate else "parse-error",
        category=Category.PARSE_ERROR,
        severity=Severity.ERROR if duplicate else Severity.WARNING,
        path=path,
        line=p.line,
        column=p.column,
        end_line=p.line,
        message=p.message,
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
