"""A command as findings quote it: secrets it carries replaced, long lines cut.

Commands carry secrets in the open (`--master-user-password`, `PGPASSWORD=...`, `mysql -pSECRET`,
`postgres://user:secret@host`); a finding is printed in CI logs and fed to models, so the value
never appears in one.
"""

from __future__ import annotations

import re

HIDDEN = "***"
MAX_SHOWN = 240

_SECRET_NAME = r"[A-Za-z0-9_.-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth)[A-Za-z0-9_.-]*"
# --password VALUE, --password=VALUE, -var 'db_password=...', PGPASSWORD=..., TF_VAR_db_password=...
_OPTION_VALUE = re.compile(r"(?i)(--?" + _SECRET_NAME + r")(=|\s+)(?!-)(\"[^\"]*\"|'[^']*'|[^\s;&|]+)")
_ASSIGNED = re.compile(r"(?i)(\b" + _SECRET_NAME + r"=)(\"[^\"]*\"|'[^']*'|[^\s;&|'\"]+)")
_URL_CREDENTIALS = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/\s@]+:)([^@\s]+)(@)", re.I)
_MYSQL_ATTACHED = re.compile(r"(\s-p)(?!\s)([^\s;&|]+)")
_SQL_PASSWORD = re.compile(r"(?i)(\b(?:PASSWORD|IDENTIFIED\s+BY)\s+)('[^']*'|\"[^\"]*\")")


def shown(text: str) -> str:
    text = " ".join(text.split())
    text = _URL_CREDENTIALS.sub(rf"\1{HIDDEN}\3", text)
    text = _OPTION_VALUE.sub(lambda m: m.group(1) + m.group(2) + _hide(m.group(3)), text)
    text = _ASSIGNED.sub(lambda m: m.group(1) + _hide(m.group(2)), text)
    text = _SQL_PASSWORD.sub(lambda m: m.group(1) + _hide(m.group(2)), text)
    if re.match(r"\s*(?:\S+/)?(?:mysql|mariadb|mysqldump|mysqladmin)\b", text) or " mysql " in f" {text} ":
        text = _MYSQL_ATTACHED.sub(rf"\1{HIDDEN}", text)
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 1] + "…"
    return text


def _hide(value: str) -> str:
    if value[:1] in ("'", '"'):
        return value[0] + HIDDEN + value[0]
    return HIDDEN
