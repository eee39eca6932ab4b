"""The KPI registry: one definition per KPI of the catalogue (``shared/spec/KPIS.md``).

The ids are the public contract (CLI, URLs, downloads). Everything a person reads about a
KPI — its name, definition, numerator and denominator, unit, which way is good — comes from
here: the Definitions page, every download's data sheet, the README table and the CLI.
Text is stored in English and translated where it is shown (``dashboard.i18n._``).

The registry also holds the rules that are part of a definition rather than of the code:
which mobility activities count toward the EU benchmark, and the length or credits a stay
needs to count.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.i18n import N_, _, format_number

# The EU benchmark counts credit mobility of >= 3 months or >= 15 ECTS (Council
# Recommendation "Europe on the Move", 2024; Eurostat's graduate mobility indicator).
BENCHMARK_MIN_DAYS = 90
BENCHMARK_MIN_ECTS = 15
# Activities whose stays count toward the EU benchmark when long enough. Blended intensive
# programmes, virtual exchange, short doctoral stays and staff activities are shown but never
# counted.
BENCHMARK_ACTIVITIES = ("study", "traineeship", "combined")
BLENDED_VIRTUAL_ACTIVITIES = ("blended_intensive", "virtual_exchange")
STAFF_MOBILITY_ACTIVITIES = ("staff_teaching", "staff_training")
# Study activities whose credits are recognised at home: study stays and combined
# study-and-traineeship stays (their study part carries ECTS); pure traineeships may carry
# none.
RECOGNITION_ACTIVITIES = ("study", "combined")
# The exchange balance compares like with like: long study and traineeship stays (combined
# ones included) on both sides, by the benchmark's length rule.
EXCHANGE_BALANCE_ACTIVITIES = ("study", "traineeship", "combined")
# Erasmus+ cooperation actions counted as cooperation projects.
COOPERATION_ACTIONS = (
    "cooperation_partnership",
    "alliance_for_innovation",
    "european_university",
    "capacity_building",
    "jean_monnet",
    "other",
)


@dataclass(frozen=True)
class Unit:
    """What a KPI's value is: how it comes from the numerator and denominator, how it is
    written and titled, and what disclosure control checks (``query.finalise``)."""

    name: str
    # Axis title, table header and the unit column of downloads (translated where shown).
    label: str
    # value = scale x numerator / denominator; None: not a rate (``count``: the numerator;
    # ``index``: the value comes with its SQL).
    scale: float | None
    # Suppression: "rate" (numerator of denominator), "population" (the people behind an
    # index: its denominator) or "none" (a count is no rate: nothing withheld for want of a
    # denominator).
    suppression_rate: str
    # How a value is written: decimals in text (CLI, cards) and the d3 format of charts
    # (axes, hover labels), with the suffix both write after it.
    decimals: int
    chart_format: str
    suffix: str = ""
    # How a change since the previous year is written (the board's cards and report):
    # decimals and what follows the number ("pp": percentage points; translated).
    change_decimals: int = 2
    change_suffix: str = ""

    @property
    def is_rate(self) -> bool:
        return self.scale is not None

    @property
    def is_count(self) -> bool:
        """A count of things: whole numbers, no denominator."""
        return self.name == "count"

    def value_from_numerator(self) -> bool:
        return self.is_count

    @property
    def table_kind(self) -> str:
        """How the table view and the Excel download format the value column."""
        return "count" if self.is_count else "number"

    @property
    def is_percentage(self) -> bool:
        """Read out as a percentage (summaries say "23.1%")."""
        return self.suffix == "%"

    def text(self, value: float | None) -> str:
        """A value as the command line and the overview cards write it ("" for none)."""
        if value is None or value != value:  # noqa: PLR0124 (NaN)
            return ""
        return format_number(value, self.decimals, grouping=self.decimals == 0) + self.suffix

    def change_text(self, difference: float) -> str:
        """The size of a change (no sign): ``'1.3 pp'``, ``'12'``, ``'0.05'``."""
        number = format_number(abs(difference), self.change_decimals, grouping=self.is_count)
        return number + (" " + _(self.change_suffix) if self.change_suffix else "")


UNIT_SPECS = {
    unit.name: unit
    for unit in (
        Unit("percent", N_("%"), 100.0, "rate", 1, ".1f", "%", 1, N_("pp")),
        Unit("count", N_("count"), None, "none", 0, ",.0f", change_decimals=0),
        Unit("index", N_("effective number"), None, "population", 2, ".1f"),
        Unit("ratio", N_("incoming per outgoing"), 1.0, "rate", 2, ".2f"),
        Unit(
            "per_100",
            N_("per 100 staff of the group"),
            100.0,
            "rate",
            2,
            ".1f",
            "",
            1,
            N_("per 100"),
        ),
    )
}
UNITS = {name: unit.label for name, unit in UNIT_SPECS.items()}
THEMES = {
    "diversity": N_("Nationality diversity"),
    "mobility": N_("Mobility"),
    "networks": N_("Networks and partnerships"),
}
# What a breakdown is called in the interface; the query layer maps each to SQL.
BREAKDOWNS = {
    "faculty": N_("faculty"),
    "programme": N_("programme"),
    "cycle": N_("cycle"),
    "gender": N_("gender"),
    "nationality": N_("nationality"),
    "nationality_region": N_("region of nationality (home / EEA / rest of world)"),
    "world_region": N_("world region of nationality"),
    "staff_category": N_("staff category"),
    "population": N_("students or staff"),
    "activity": N_("activity"),
    "benchmark": N_("counts toward the EU benchmark"),
    "partner_country": N_("partner country"),
    "partner_region": N_("partner region"),
    "direction": N_("direction"),
    "participant": N_("students or staff"),
    "network": N_("network"),
    "network_type": N_("network type"),
    "activity_type": N_("activity type"),
    "action_type": N_("action type"),
    "role": N_("role"),
    "agreement_type": N_("agreement type"),
    "graduate_origin": N_(
        "graduates by country of prior education (all graduates, degree-mobile included)"
    ),
}
FILTERS = ("years", "faculty", "programme", "cycle", "basis")


@dataclass(frozen=True)
class Kpi:
    """One KPI as the catalogue defines it."""

    id: str
    theme: str
    name: str
    definition: str
    numerator: str
    denominator: str
    unit: str
    # "up": higher is better; "down": lower is better; "none": neither (context figure).
    direction: str
    breakdowns: tuple[str, ...]
    # Which filters narrow this KPI; the others are ignored (and said to be ignored).
    filters: tuple[str, ...]
    policy_reference: str
    # Whether numerator/denominator count people: only those are subject to suppression.
    counts_people: bool = True
    # Numerator is part of the denominator (a share): the complement is a cell too.
    share: bool = False
    # Extra measures next to value/numerator/denominator (e.g. participants), and whether
    # each counts people.
    extra_measures: tuple[tuple[str, str, bool], ...] = ()
    # A label on the value column when the KPI falls back to another method.
    note: str = ""
    cycle: str | None = None
    # The KPI's SQL file under dashboard/kpis/sql/ (default: ``<family>/<id>.sql`` in any
    # family folder) and the values it binds besides the filter selection (``$cycle`` is
    # ``cycle``), e.g. ``(("staff_type", "academic"),)``.
    sql: str = ""
    sql_parameters: tuple[tuple[str, object], ...] = ()

    @property
    def unit_spec(self) -> Unit:
        """The unit as an object (``unit`` is its name, the public column value)."""
        return UNIT_SPECS[self.unit]

    @property
    def is_rate(self) -> bool:
        return self.unit_spec.is_rate

    def text(self, attribute: str) -> str:
        """A text attribute, translated."""
        value = getattr(self, attribute)
        return _(value) if value else ""

    def unit_label(self) -> str:
        """The unit's label in the current language."""
        return _(self.unit_spec.label)


_STUDENT_BREAKDOWNS = (
    "faculty",
    "programme",
    "gender",
    "nationality_region",
    "world_region",
    "nationality",
)
_STUDENT_FILTERS = ("years", "faculty", "programme", "cycle", "basis")
_BENCHMARK_TEXT = (
    "study or traineeship abroad of at least 3 months or at least 15 ECTS, summed over stays"
)


def _intl_share(cycle: str, name: str, reference: str) -> Kpi:
    return Kpi(
        id=f"intl_share_{cycle}",
        theme="diversity",
        name=name,
        definition=(
            f"International degree students in the {cycle} cycle as a share of all degree "
            f"students in that cycle, headcount on 1 October. International: by the selected "
            f"basis (default a nationality other than the home country; dual nationals "
            f"holding the home nationality count as home). Students whose nationality is "
            f"unknown or not available are left out of both counts."
        ),
        numerator=f"international degree students ({cycle})",
        denominator=f"all degree students ({cycle}) with known status",
        unit="percent",
        direction="up",
        breakdowns=_STUDENT_BREAKDOWNS,
        filters=("years", "faculty", "programme", "basis"),
        policy_reference=reference,
        share=True,
        cycle=cycle,
        sql="students/intl_share.sql",
    )


def _staff_share(suffix: str, who: str, reference: str) -> Kpi:
    return Kpi(
        id=f"intl_share_{suffix}",
        theme="diversity",
        name=f"International {who}",
        definition=(
            f"{who.capitalize()} (headcount on the reference date) with a nationality other "
            f"than the home country, as a share of all {who} with known nationality (dual "
            f"nationals holding the home nationality count as home)."
        ),
        numerator=f"international {who}",
        denominator=f"all {who} with known nationality",
        unit="percent",
        direction="up",
        breakdowns=(
            "faculty",
            "staff_category",
            "gender",
            "nationality_region",
            "world_region",
            "nationality",
        ),
        filters=("years", "faculty"),
        policy_reference=reference,
        share=True,
        sql="staff/intl_share_staff.sql",
        sql_parameters=(("staff_type", "academic" if suffix == "academic_staff" else None),),
    )


def _mobility_rate(cycle: str, label: str) -> Kpi:
    return Kpi(
        id=f"outgoing_mobility_rate_{cycle}",
        theme="mobility",
        name=f"Graduate mobility rate ({label})",
        definition=(
            f"Graduates of the year in the {cycle} cycle who, while enrolled, had credit "
            f"mobility abroad ({_BENCHMARK_TEXT}), as a share of the graduates of the year in "
            f"that cycle whose prior (secondary) education was at home. Graduates who came "
            f"from abroad for their whole degree (prior education abroad: inward "
            f"degree-mobile) are left out of both counts, as in Eurostat's learning mobility "
            f"indicator: it counts degree-mobile and credit-mobile graduates by country of "
            f"origin (country of the upper secondary diploma) against all graduates of that "
            f"origin, so an inward degree-mobile graduate belongs to the indicator of the "
            f"country they came from (Eurostat, 'Methodological manual on learning mobility "
            f"in tertiary education', 28 July 2015; UOE manual, learning mobility sections). "
            f"A university sees only its credit-mobile graduates, not its home students who "
            f"left for a whole degree abroad, so this is its contribution to the benchmark, "
            f"not the national figure. Graduates whose prior education is not recorded are "
            f"kept. The other reading, every graduate (degree-mobile included), is the "
            f"'graduate_origin' breakdown. Graduates are linked to their mobility records by "
            f"student key; aggregated graduate rows use their credit-mobile flag. Where a "
            f"year has no graduate records, the yearly participation rate of the cycle is "
            f"shown instead and labelled as such; progress status is scored on the "
            f"graduate-based years only (a fallback year is never scored nor a baseline)."
        ),
        numerator=f"{cycle} graduates with qualifying credit mobility (prior education at home)",
        denominator=f"{cycle} graduates of the year with prior education at home",
        unit="percent",
        direction="up",
        breakdowns=("faculty", "programme", "gender", "graduate_origin"),
        filters=("years", "faculty", "programme"),
        policy_reference=(
            "EU: at least 23% of graduates by 2030 (Council Recommendation 'Europe on the "
            "Move', 13 May 2024); EHEA/EU 2020 benchmark: 20%"
        ),
        share=True,
        cycle=cycle,
        sql="mobility/outgoing_mobility_rate.sql",
    )


def _staff_mobility(group: str, reference: str) -> Kpi:
    """Staff trips of one staff group per 100 staff of that group: academic staff keep the
    catalogue id ``staff_mobility_rate``; support staff get ``staff_mobility_rate_support``."""
    return Kpi(
        id="staff_mobility_rate" if group == "academic" else f"staff_mobility_rate_{group}",
        theme="mobility",
        name=f"Staff mobility rate ({group} staff)",
        definition=(
            f"Outgoing staff mobilities (teaching and training) of {group} staff starting in "
            f"the year per 100 {group} staff (headcount on the reference date of the year). "
            f"A trip belongs to the group of its traveller's staff record of that year "
            f"(mobility person key = staff key). Numerator and denominator cover the same "
            f"group: before, support staff's training trips were divided by academic staff "
            f"only. A trip whose traveller has no staff record that year (no person key, or "
            f"aggregated rows) counts as academic, the catalogue's reading, kept where the "
            f"data cannot tell. By faculty, every unit with {group} staff or their "
            f"trips is shown; a unit without {group} staff has no rate (denominator 0)."
        ),
        numerator=f"outgoing mobilities of {group} staff",
        denominator=f"{group} staff",
        unit="per_100",
        direction="up",
        breakdowns=("faculty", "activity"),
        filters=("years", "faculty"),
        policy_reference=reference,
        sql="staff/staff_mobility_rate.sql",
        sql_parameters=(("staff_type", group),),
    )


KPIS: tuple[Kpi, ...] = (
    _intl_share("bachelor", "International bachelor's students", "trend only"),
    _intl_share(
        "master",
        "International master's students",
        "Erasmus Policy Statement: 23% in 2019; maintain at least 23%",
    ),
    _intl_share(
        "phd",
        "International PhD candidates",
        "Erasmus Policy Statement: more than 42%; maintain at least 42%",
    ),
    Kpi(
        id="nationalities_count",
        theme="diversity",
        name="Nationalities among students and staff",
        definition=(
            "Distinct nationalities among enrolled students (degree and exchange) and staff "
            "in the year, first nationality, excluding unknown, stateless and not available. "
            "A programme or cycle filter counts students only."
        ),
        numerator="distinct nationalities",
        denominator="",
        unit="count",
        direction="up",
        breakdowns=("population", "faculty"),
        filters=("years", "faculty", "programme", "cycle"),
        policy_reference="Erasmus Policy Statement: more than 122 nationalities",
        counts_people=False,
    ),
    _staff_share("staff", "staff", "Erasmus Policy Statement: about a quarter of all staff"),
    _staff_share(
        "academic_staff", "academic staff", "Erasmus Policy Statement: 39% of academic staff"
    ),
    Kpi(
        id="nationality_diversity_index",
        theme="diversity",
        name="Nationality diversity index",
        definition=(
            "Effective number of nationalities among enrolled degree students: the "
            "exponential of the Shannon entropy of the nationality shares (first "
            "nationality; unknown and not available left out). Equals the number of "
            "nationalities when all are equally represented."
        ),
        numerator="",
        denominator="degree students with known nationality",
        unit="index",
        direction="up",
        breakdowns=("faculty", "programme", "cycle"),
        filters=("years", "faculty", "programme", "cycle"),
        policy_reference="trend only",
    ),
    _mobility_rate("bachelor", "bachelor"),
    _mobility_rate("master", "master"),
    _mobility_rate("phd", "PhD"),
    Kpi(
        id="outgoing_participation_rate",
        theme="mobility",
        name="Yearly outgoing participation rate",
        definition=(
            f"Distinct students starting a qualifying outgoing mobility in the year "
            f"({_BENCHMARK_TEXT.replace(', summed over stays', ', per stay')}) as a share of "
            f"enrolled degree students in the year. The yearly rate, used where graduate "
            f"records are missing."
        ),
        numerator="students starting qualifying outgoing mobility",
        denominator="enrolled degree students",
        unit="percent",
        direction="up",
        breakdowns=("faculty", "programme", "cycle"),
        filters=("years", "faculty", "programme", "cycle"),
        policy_reference="trend only",
        share=True,
    ),
    Kpi(
        id="outgoing_students",
        theme="mobility",
        name="Outgoing student mobilities",
        definition=(
            "Outgoing student mobilities starting in the year, all activities. The "
            "'benchmark' breakdown says which count toward the EU benchmark."
        ),
        numerator="outgoing student mobilities",
        denominator="",
        unit="count",
        direction="up",
        breakdowns=(
            "cycle",
            "activity",
            "benchmark",
            "faculty",
            "programme",
            "partner_country",
            "partner_region",
        ),
        filters=("years", "faculty", "programme", "cycle"),
        policy_reference="trend only",
    ),
    Kpi(
        id="incoming_exchange_students",
        theme="mobility",
        name="Incoming exchange students",
        definition="Incoming credit-mobile (exchange) student mobilities starting in the year.",
        numerator="incoming student mobilities",
        denominator="",
        unit="count",
        direction="up",
        breakdowns=("cycle", "activity", "faculty", "programme", "partner_country"),
        filters=("years", "faculty", "programme", "cycle"),
        policy_reference="Erasmus Policy Statement: remain an attractive destination (trend)",
    ),
    Kpi(
        id="exchange_balance",
        theme="mobility",
        name="Exchange balance",
        definition=(
            "Incoming student mobilities per outgoing student mobility starting in the year, "
            "overall and per partner country; above 1 means more students come than go. "
            "Like for like: both sides count the same activities, study and traineeship "
            "stays (combined study-and-traineeship stays included) of at least 3 months or "
            "15 ECTS (a stay with neither length nor credits recorded counts). Blended "
            "intensive programmes, virtual exchange and short doctoral stays are left out "
            "of both sides: incoming records do not carry them, so counting them on the "
            "outgoing side only would make the balance fall whenever they grow. An "
            "all-activities balance is therefore not offered; the counts of every activity "
            "are in 'outgoing_students' and 'incoming_exchange_students' by activity."
        ),
        numerator="incoming long study and traineeship stays",
        denominator="outgoing long study and traineeship stays",
        unit="ratio",
        direction="none",
        breakdowns=("partner_country", "partner_region", "faculty", "cycle", "activity"),
        filters=("years", "faculty", "programme", "cycle"),
        policy_reference="trend only",
    ),
    Kpi(
        id="blended_virtual_share",
        theme="mobility",
        name="Blended and virtual share",
        definition=(
            "Blended intensive programmes and virtual exchanges as a share of all outgoing "
            "student activities starting in the year."
        ),
        numerator="outgoing blended intensive programmes and virtual exchanges",
        denominator="all outgoing student activities",
        unit="percent",
        direction="up",
        breakdowns=("faculty", "cycle"),
        filters=("years", "faculty", "programme", "cycle"),
        policy_reference="Erasmus Policy Statement: promote virtual exchange (trend)",
        share=True,
    ),
    Kpi(
        id="fewer_opportunities_share",
        theme="mobility",
        name="Participants with fewer opportunities",
        definition=(
            "Outgoing student mobilities by students flagged with fewer opportunities, as a "
            "share of all outgoing student mobilities starting in the year (unflagged counts "
            "as not flagged)."
        ),
        numerator="outgoing mobilities with fewer opportunities",
        denominator="all outgoing student mobilities",
        unit="percent",
        direction="up",
        breakdowns=("faculty", "cycle", "activity"),
        filters=("years", "faculty", "programme", "cycle"),
        policy_reference=(
            "Erasmus Policy Statement: lower barriers for disadvantaged groups (trend)"
        ),
        share=True,
    ),
    Kpi(
        id="ects_recognition_rate",
        theme="mobility",
        name="ECTS recognition rate",
        definition=(
            "ECTS recognised at home as a share of ECTS earned abroad, over completed "
            "outgoing study mobilities starting in the year that report both. Study stays "
            "and combined study-and-traineeship stays count (the study part carries "
            "credits); pure traineeships, blended, virtual and short doctoral activities "
            "do not."
        ),
        numerator="ECTS recognised",
        denominator="ECTS earned abroad",
        unit="percent",
        direction="up",
        breakdowns=("faculty", "programme", "cycle", "partner_country"),
        filters=("years", "faculty", "programme", "cycle"),
        policy_reference="Erasmus Charter: full automatic recognition (100%)",
        counts_people=False,
    ),
    _staff_mobility("academic", "Erasmus Policy Statement: staff mobility promoted (trend)"),
    _staff_mobility("support", "trend only"),
    Kpi(
        id="cee_neighbourhood_share",
        theme="mobility",
        name="Central/Eastern Europe and neighbourhood share",
        definition=(
            "Mobilities (students and staff, both directions) with partners in Central and "
            "Eastern Europe or the EU's neighbouring countries, as a share of all mobilities "
            "with a known partner country starting in the year."
        ),
        numerator="mobilities with CEE or neighbourhood partners",
        denominator="all mobilities with a known partner country",
        unit="percent",
        direction="up",
        breakdowns=("direction", "participant", "faculty"),
        filters=("years", "faculty", "programme", "cycle"),
        policy_reference="Erasmus Policy Statement priority: rising trend",
        share=True,
    ),
    Kpi(
        id="mobility_window_coverage",
        theme="mobility",
        name="Mobility window coverage",
        definition=(
            "Bachelor programmes offering a 30 ECTS mobility window as a share of all "
            "bachelor programmes with enrolled students in the year (programmes without "
            "the flag count as not offering one)."
        ),
        numerator="bachelor programmes with a mobility window",
        denominator="bachelor programmes with students",
        unit="percent",
        direction="up",
        breakdowns=("faculty",),
        filters=("years", "faculty", "programme"),
        policy_reference="Erasmus Policy Statement: nearly all programmes",
        counts_people=False,
        share=True,
    ),
    Kpi(
        id="active_networks",
        theme="networks",
        name="Active network memberships",
        definition=(
            "Networks and alliances with an active membership in the year (member since "
            "that year or earlier, and not ended before it)."
        ),
        numerator="active memberships",
        denominator="",
        unit="count",
        direction="up",
        breakdowns=("network", "network_type"),
        filters=("years",),
        policy_reference="Erasmus Policy Statement: enhanced integration, EUniWell a priority",
        counts_people=False,
    ),
    Kpi(
        id="network_activities",
        theme="networks",
        name="Network activities",
        definition=(
            "Activities in the year per network and type (joint programme, summer school, "
            "staff exchange, research project, student mobility), with their participants."
        ),
        numerator="activities",
        denominator="",
        unit="count",
        direction="up",
        breakdowns=("network", "activity_type", "faculty"),
        filters=("years", "faculty"),
        policy_reference="trend",
        counts_people=False,
        extra_measures=(("participants", N_("participants"), True),),
    ),
    Kpi(
        id="erasmus_cooperation_projects",
        theme="networks",
        name="Erasmus+ cooperation projects",
        definition=(
            "Erasmus+ cooperation projects (cooperation partnerships, alliances for "
            "innovation, European Universities and other cooperation actions) active in the "
            "academic year, with the total EU grant of those projects."
        ),
        numerator="active projects",
        denominator="",
        unit="count",
        direction="up",
        breakdowns=("action_type", "role", "network", "faculty"),
        filters=("years", "faculty"),
        policy_reference="Erasmus Policy Statement: stimulate participation (rising trend)",
        counts_people=False,
        extra_measures=(("eu_grant_eur", N_("EU grant (EUR)"), False),),
    ),
    Kpi(
        id="partner_agreements",
        theme="networks",
        name="Partner agreements",
        definition=(
            "Inter-institutional agreements active in the year, by partner country and region."
        ),
        numerator="active agreements",
        denominator="",
        unit="count",
        direction="up",
        breakdowns=("partner_country", "partner_region", "agreement_type", "faculty"),
        filters=("years", "faculty"),
        policy_reference="trend",
        counts_people=False,
        extra_measures=(
            ("places_outgoing", N_("places for outgoing students"), False),
            ("places_incoming", N_("places for incoming students"), False),
        ),
    ),
)

REGISTRY: dict[str, Kpi] = {kpi.id: kpi for kpi in KPIS}


class UnknownKpi(KeyError):
    """A KPI id that the registry does not hold."""

    def __str__(self) -> str:
        return f"unknown KPI {self.args[0]!r}; known: {', '.join(REGISTRY)}"


def get_kpi(kpi_id: str) -> Kpi:
    """The KPI with this id; raises :class:`UnknownKpi`."""
    try:
        return REGISTRY[kpi_id]
    except KeyError:
        raise UnknownKpi(kpi_id) from None


def breakdown_label(name: str) -> str:
    """A breakdown's name in the current language."""
    return _(BREAKDOWNS.get(name, name))


def theme_label(theme: str) -> str:
    """A theme's name in the current language."""
    return _(THEMES.get(theme, theme))
