"""EU and EEA membership by date, from a reference data file kept with its sources.

``etl/reference/eu_membership.csv`` holds one row per membership period: the ISO alpha-2
code, ``membership`` (``EU``, or ``EEA_EFTA`` for the EFTA states in the European Economic
Area), the first and last day of membership (``member_until`` empty: still a member) and the
source pages (Europa "EU countries", Wikipedia "Member state of the European Union", the
EU-UK Withdrawal Agreement, EFTA "EEA Agreement"). It is loaded into the
``country_membership`` table at every publish (``etl.schema.refresh_reference_tables``).

The KPIs read membership on the reference date of the academic year, 1 October Y (the
headcount date, KPIS.md conventions): the United Kingdom (EU until 31 January 2020) counts
as EEA in 2019-20 and as rest of world from 2020-21; Croatia (EU since 1 July 2013) counts
from 2013-14. ``country_converter``'s EU and EEA columns are today's membership only, which
is why this file exists.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
from functools import cache

import pandas as pd

MEMBERSHIPS = ("EU", "EEA_EFTA")
REFERENCE_MONTH_DAY = (10, 1)  # 1 October Y: the headcount reference date


def membership_file():
    """The reference file (a Traversable inside the ``etl`` package)."""
    return importlib.resources.files("etl") / "reference" / "eu_membership.csv"


@cache
def membership_table() -> pd.DataFrame:
    """The membership periods: iso2, country, membership, member_from, member_until,
    source (dates as ``datetime.date``; ``member_until`` ``None`` for current members)."""
    with membership_file().open(encoding="utf-8") as handle:
        table = pd.read_csv(handle, dtype=str, keep_default_na=False)
    for column in ("member_from", "member_until"):
        table[column] = [dt.date.fromisoformat(text) if text else None for text in table[column]]
    return table


def reference_date(academic_year: int) -> dt.date:
    """1 October of the academic year's first calendar year."""
    return dt.date(academic_year, *REFERENCE_MONTH_DAY)


def member_on(iso2: str, day: dt.date, memberships: tuple[str, ...] = MEMBERSHIPS) -> bool:
    """Whether ``iso2`` was in the EU (or, by default, the EEA) on ``day``."""
    table = membership_table()
    rows = table[(table["iso2"] == iso2) & table["membership"].isin(memberships)]
    return any(
        start <= day and (until is None or day <= until)
        for start, until in zip(rows["member_from"], rows["member_until"], strict=True)
    )


def eea_in(iso2: str, academic_year: int) -> bool:
    """EEA (EU or EEA EFTA state) on the academic year's reference date."""
    return member_on(iso2, reference_date(academic_year))
