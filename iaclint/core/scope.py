"""A declared scope: the resources a change means to touch, as fnmatch globs on addresses.

An agent (or its harness) declares `--scope 'aws_s3_bucket.logs' --scope 'module.app.*'`;
IAC410 (out-of-scope) flags every resource the change touches that no glob names. Pure
functions: no I/O (the CLI reads `--scope-file`, the MCP server takes a list).

A resource is named by every spelling a reviewer may use for it:
- its address (`module.app.aws_s3_bucket.logs["a"]`, a CloudFormation logical ID, a CDK
  logical ID such as `Db5D02A0A9`);
- the same without instance keys (`module.app.aws_s3_bucket.logs`), so that a glob written
  for a resource covers each of its `count`/`for_each` instances;
- for CDK, the construct path inside its stack (`Storage/Orders/Resource`) and that path
  without its last `Resource` (`Storage/Orders`), which is how people name an L2 construct.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from iaclint.core.model import Resource

_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")


def parse_scope_text(text: str) -> list[str]:
    """One glob per line; blank lines and `#` comments (a whole line, or after whitespace) are skipped."""
    out = []
    for line in text.splitlines():
        line = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].strip()
        if line:
            out.append(line)
    return out


def names_of(resource: Resource) -> list[str]:
    names = [resource.address]
    bare = _INSTANCE_KEY.sub("", resource.address)
    if bare != resource.address:
        names.append(bare)
    path = resource.meta.get("construct_path")
    if isinstance(path, str) and path:
        names.append(path)
        if path.endswith("/Resource"):
            names.append(path[: -len("/Resource")])
    return names


def in_scope(resource: Resource, patterns: list[str]) -> bool:
    # case-sensitive on every platform: addresses and logical IDs are
    return any(fnmatchcase(name, pat) for name in names_of(resource) for pat in patterns)
