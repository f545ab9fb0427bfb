"""Terraform resource addresses as plans write them."""

from __future__ import annotations


def strip_keys(address: str) -> str:
    """`module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b` (quotes respected)."""
    if "[" not in address:
        return address
    out = []
    depth = 0
    quote = False
    escape = False
    for ch in address:
        if depth:
            if quote:
                if escape:
                    escape = False
                elif ch == "\\":
                    escape = True
                elif ch == '"':
                    quote = False
            elif ch == '"':
                quote = True
            elif ch == "]":
                depth -= 1
            continue
        if ch == "[":
            depth = 1
            continue
        out.append(ch)
    return "".join(out)


def module_of(address: str) -> str:
    """`module.a["x"].module.b.aws_s3_bucket.c` → `module.a.module.b` (the innermost call)."""
    parts = _split(address)
    last = max((i for i, p in enumerate(parts) if p == "module"), default=-1)
    if last < 0 or last + 1 >= len(parts):
        return ""
    return strip_keys(".".join(parts[: last + 2]))


def _split(address: str) -> list[str]:
    out, cur, depth, quote = [], "", 0, False
    for ch in address:
        if quote:
            cur += ch
            if ch == '"':
                quote = False
            continue
        if ch == '"':
            quote = True
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "." and depth == 0:
            out.append(cur)
            cur = ""
            continue
        cur += ch
    out.append(cur)
    return [strip_keys(p) for p in out]

