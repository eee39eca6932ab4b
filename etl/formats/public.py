"""The public-format importers, in the order format detection tries them.

Each reads a file as its publisher releases it (DUO, the European Commission) and converts
it to canonical entity rows; ``intl-kpi load --format NAME`` picks one by its ``name``.
"""

from __future__ import annotations

from etl.formats.base import Format
from etl.formats.charter import ERASMUS_CHARTER
from etl.formats.duo import DUO_ENROLMENTS, DUO_FIRST_YEAR
from etl.formats.erasmus_microdata import ERASMUS_MICRODATA
from etl.formats.erasmusplus import ERASMUS_PLUS

PUBLIC_FORMATS: tuple[Format, ...] = (
    DUO_FIRST_YEAR,
    DUO_ENROLMENTS,
    ERASMUS_MICRODATA,
    ERASMUS_PLUS,
    ERASMUS_CHARTER,
)
