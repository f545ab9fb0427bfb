from __future__ import annotations

import re
from typing import Iterator

from iaclint.checks.command.common import command_finding, invocations, quoted
from iaclint.core.model import Category, Finding, Severity, StackDiff
from iaclint.engine.check import Check, Context

_DESTRUCTIVE = re.compile(
    r"\b(?:DROP\s+(?:DATABASE|SCHEMA|TABLE)(?:\s+IF\s+EXISTS)?\s+[^\s;,]+"
    r"|TRUNCATE(?:\s+TABLE)?(?:\s+ONLY)?\s+[^\s;,]+"
    r"|DELETE\s+FROM\s+[^\s;]+\s*(?:;|$))",
    re.IGNORECASE)
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_LITERAL = re.compile(r"'(?:[^']|'')*'")
# program -> options whose value is SQL (the attached form `-cSQL` too)
_SQL_OPTIONS = {"psql": ("-c", "--command"), "mysql": ("-e", "--execute"), "cockroach": ("-e", "--execute"),
                "clickhouse-client": ("-q", "--query"), "sqlcmd": ("-Q", "-q")}
_READS_STDIN = {"psql", "mysql", "sqlite3", "clickhouse-client", "cockroach"}


def statements(sql: str) -> list[str]:
    """The destructive statements in `sql`, comments and string literals aside."""
    text = _LITERAL.sub("''", _COMMENT.sub(" ", sql))
    return [" ".join(m.group(0).rstrip(";").split()) for m in _DESTRUCTIVE.finditer(text)]


class DestructiveSqlCommand(Check):
    """## What it does
    Flags SQL run from the command line that drops or empties data: `DROP DATABASE`, `DROP
    SCHEMA`, `DROP TABLE`, `TRUNCATE`, or `DELETE FROM` with no `WHERE`, given to `psql -c` /
    `--command`, `mysql -e` / `--execute` (and `mariadb`), `sqlite3 DB "SQL"`, or fed to them on
    standard input (`<<EOF`, `<<<`, `echo ... |`). Case does not matter.

    ## Why is this bad?
    The statement runs at once against whatever database the connection reaches, production
    included, with no plan and no undo.

    ## Example
    ```sh
    psql "$DATABASE_URL" -c "DROP TABLE orders;"
    ```

    ## Use instead
    Schema changes go through the application's migrations, where they are reviewed. Data that
    must go is backed up first, by a person.
    """

    code = "IAC405"
    name = "destructive-sql-command"
    category = Category.COMMAND
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for inv in invocations(diff):
            for sql in self._sql(inv):
                found = statements(sql)
                if found:
                    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
                    yield command_finding(
                        self, inv, found[0].split()[-1],
                        f"{quoted(inv)} runs `{found[0]}`{more}: the data is gone at once, with no undo",
                        "do not run it; schema changes go through migrations, and data that must go is backed up "
                        "first by a person", extra={"statements": found})
                    break

    def _sql(self, inv) -> list[str]:
        out: list[str] = []
        options = _SQL_OPTIONS.get(inv.program, ())
        args = inv.args
        for i, a in enumerate(args):
            for opt in options:
                if a == opt and i + 1 < len(args):
                    out.append(args[i + 1])
                elif opt.startswith("--") and a.startswith(opt + "="):
                    out.append(a[len(opt) + 1:])
                elif not opt.startswith("--") and a.startswith(opt) and len(a) > len(opt):
                    out.append(a[len(opt):])
        if inv.program == "sqlite3":
            positional = [a for a in args if not a.startswith("-")]
            out.extend(positional[1:])
        if inv.program == "mongosh" or inv.program == "mongo":
            for i, a in enumerate(args):
                if a == "--eval" and i + 1 < len(args) and re.search(r"\.(dropDatabase|drop)\(", args[i + 1]):
                    out.append("DROP DATABASE " + args[i + 1])
        if inv.stdin and inv.program in _READS_STDIN:
            out.append(inv.stdin)
        return out
