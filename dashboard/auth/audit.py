"""The audit log: one JSON line per sign-in (success or failure), sign-out and download.

Written through Python logging (logger ``intl_kpi.audit``) to a JSON-lines file next to the
database (the ``INTL_KPI_AUDIT_LOG`` setting). Each line has the time (UTC), the event, the
user name and role, the client address, and what was done (for a download: the chart id
and the selection). Lines are appended with ``O_APPEND``, so gunicorn workers writing at
the same time do not interleave within a line.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOGGER_NAME = "intl_kpi.audit"
SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_IN_REFUSED = "sign_in_refused"  # too many failures: not even checked
SIGN_OUT = "sign_out"
DOWNLOAD = "download"
DOWNLOAD_REFUSED = "download_refused"

_lock = threading.Lock()


def audit_log_path(settings: Any) -> Path:
    """The audit log of the settings (``INTL_KPI_AUDIT_LOG``, else next to the database)."""
    configured = str(getattr(settings, "audit_log", "") or "")
    return Path(configured) if configured else Path(settings.database).parent / "audit.jsonl"


class _JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds"),
            "event": record.getMessage(),
            **getattr(record, "audit", {}),
        }
        return json.dumps(entry, ensure_ascii=False, default=str)


def _logger(path: Path) -> logging.Logger:
    """The audit logger writing to ``path`` (the handler follows a changed setting)."""
    logger = logging.getLogger(LOGGER_NAME)
    with _lock:
        logger.setLevel(logging.INFO)
        logger.propagate = False
        current = [h for h in logger.handlers if isinstance(h, logging.FileHandler)]
        if not current or Path(current[0].baseFilename) != path.resolve():
            for handler in current:
                logger.removeHandler(handler)
                handler.close()
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(path, mode="a", encoding="utf-8", delay=False)
            handler.setFormatter(_JsonLines())
            logger.addHandler(handler)
    return logger


def audit(settings: Any, event: str, **fields: Any) -> None:
    """Append one event (``user``, ``role``, ``ip`` and what was done go in ``fields``).

    With sign-in on, a log that cannot be written fails the request (nothing unaudited
    leaves the server); the demo with sign-in off only warns."""
    try:
        _logger(audit_log_path(settings)).info(event, extra={"audit": fields})
    except OSError as error:
        if getattr(settings, "sign_in", "off") != "off":
            raise
        logging.getLogger(__name__).warning("audit log not written: %s", error)


def open_audit_log(settings: Any) -> Path:
    """Open (create) the audit log now, so a start with an unwritable log fails at once."""
    path = audit_log_path(settings)
    _logger(path)
    return path


def read_audit_log(path: Path) -> list[dict[str, Any]]:
    """Every line of an audit log (for tests and reviews)."""
    if not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text("utf-8").splitlines() if line]
