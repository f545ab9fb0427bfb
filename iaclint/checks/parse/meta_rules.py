"""Findings the engine itself emits (unreadable input, suppressions). They are rules too:
they have codes, severities and documentation, and can be selected or ignored like any other."""

from __future__ import annotations

from typing import Iterator

from iaclint.engine.check import Check, Context
from iaclint.core.model import Category, Finding, Severity, StackDiff


class _Emitted(Check):
    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        return iter(())


class ParseError(_Emitted):
    """## What it does
    Reports a file on the AFTER side of the change that cannot be read: a syntax error, a binary
    or non-UTF-8 file, a file over the size limit, an unreadable file.

    ## Why is this bad?
    iaclint fails closed: what it cannot read, it cannot check, so a broken file must never pass
    silently. The tool would reject the file too.

    ## Example
    `main.tf:12:3: IAC001 [error] syntax error: unexpected '}'`

    ## Use instead
    Fix the file (`terraform fmt`/`terraform validate`, `cfn-lint`), then run iaclint again.
    """

    code = "IAC001"
    name = "parse-error"
    category = Category.PARSE_ERROR
    severity = Severity.ERROR


class ParseErrorBefore(_Emitted):
    """## What it does
    Reports a file on the BEFORE side of the change that cannot be read. Comparison continues
    with the rest; resources of that file are treated as new.

    ## Why is this bad?
    Destructive changes in that file cannot be seen: a resource removed from it goes unreported.

    ## Example
    `legacy.tf:1:1: IAC002 [warning] syntax error: unexpected '<<<<<<<'`

    ## Use instead
    Make the base revision readable, or review that file's change by hand.
    """

    code = "IAC002"
    name = "parse-error-before"
    category = Category.PARSE_ERROR
    severity = Severity.WARNING


class SuppressionWithoutReason(_Emitted):
    """## What it does
    Reports an `iaclint: allow` comment without a reason (`-- why`), or one that names no rule.

    ## Why is this bad?
    A suppression is a decision a reviewer must be able to audit. Without a reason it is
    indistinguishable from an agent silencing the linter. It does not suppress anything.

    ## Example
    `# iaclint: allow IAC301`

    ## Use instead
    `# iaclint: allow IAC301 -- replaced by aws_db_instance.v2, data migrated in OPS-123`
    """

    code = "IAC003"
    name = "suppression-without-reason"
    category = Category.PARSE_ERROR
    severity = Severity.WARNING


class UnusedSuppression(_Emitted):
    """## What it does
    Reports an `iaclint: allow` comment that suppressed nothing in this change.

    ## Why is this bad?
    Stale suppressions are harmless today and hide a real finding tomorrow.

    ## Example
    `# iaclint: allow deletion -- old migration` on a resource that is not being deleted.

    ## Use instead
    Remove the comment once the change it allowed has been applied.
    """

    code = "IAC004"
    name = "unused-suppression"
    category = Category.PARSE_ERROR
    severity = Severity.NOTE


class DuplicateKey(_Emitted):
    """## What it does
    Reports a key written twice in one mapping of a template (YAML or JSON) or a Terraform block.

    ## Why is this bad?
    Parsers disagree on which value wins; what a reviewer reads may not be what is deployed.

    ## Example
    ```yaml
    Properties:
      DeletionProtection: true
      DeletionProtection: false
    ```

    ## Use instead
    Keep one.
    """

    code = "IAC005"
    name = "duplicate-key"
    category = Category.PARSE_ERROR
    severity = Severity.ERROR
