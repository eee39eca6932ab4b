"""The canonical input entities: what a university exports, column by column.

This is the one place that says which columns each input file has, which are required,
what values they accept and how a re-load replaces earlier rows. The validator, the
templates (``intl-kpi templates``), the README tables, the demo generator and the
public-format importers all read it. Column names here are also the column names of the
published DuckDB tables (see ``etl/sql/schema.sql``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

CYCLES = ("bachelor", "master", "phd", "short_cycle")
GENDERS = ("female", "male", "other", "unknown")
ENROLMENT_TYPES = ("degree", "exchange")
STUDY_MODES = ("full_time", "part_time", "dual")
# Which count a row belongs to: everyone enrolled on 1 October, or only first-year entrants
# (DUO's "eerstejaars" files). The KPIs use ``enrolled``.
POPULATIONS = ("enrolled", "first_year")
STAFF_TYPES = ("academic", "support")
PARTICIPANTS = ("student", "staff")
DIRECTIONS = ("outgoing", "incoming")
# Activities of a mobility. Which of them count toward the EU benchmark is decided by the
# KPI registry, not here.
ACTIVITIES = (
    "study",
    "traineeship",
    "combined",
    "blended_intensive",
    "virtual_exchange",
    "short_doctoral",
    "staff_teaching",
    "staff_training",
    "other",
)
NETWORK_ACTIVITY_TYPES = (
    "joint_programme",
    "summer_school",
    "staff_exchange",
    "research_project",
    "student_mobility",
    "other",
)
PROJECT_ACTIONS = (
    "cooperation_partnership",
    "alliance_for_innovation",
    "european_university",
    "capacity_building",
    "jean_monnet",
    "other",
)
PROJECT_ROLES = ("coordinator", "partner")
AGREEMENT_TYPES = ("erasmus_iia", "bilateral", "joint_degree", "other")
# Nationality values that are not a country.
UNKNOWN_NATIONALITY = "unknown"
STATELESS = "stateless"
# Written by importers of sources that carry no nationality at all (DUO): such rows feed
# denominators and totals but the diversity KPIs report them as "nationality not available".
NATIONALITY_NOT_AVAILABLE = "not_available"

# Value kinds understood by the validator (etl/validate.py).
KINDS = (
    "text",  # any non-empty text, stripped
    "code",  # identifier: stripped, inner whitespace kept
    "year",  # academic year: 2019, 2019-20, 2019-2020, 2019/20 -> 2019
    "int",  # whole number >= 0
    "decimal",  # number >= 0, decimal point or comma
    "bool",  # yes/no, true/false, ja/nee, 1/0, y/n, j/n
    "date",  # YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY
    "country",  # ISO alpha-2/alpha-3, English or Dutch name, UK->GB, EL->GR
    "nationality",  # a country, or unknown / stateless / not_available
    "choice",  # one of Column.choices (aliases allowed)
    "erasmus_code",  # Erasmus institution code, normalised to 'D  KONSTAN01' form
)


@dataclass(frozen=True)
class Column:
    """One column of an input entity."""

    name: str
    kind: str
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()
    # Accepted spellings of a choice value: alias (case-insensitive) -> canonical value.
    choice_aliases: dict[str, str] = field(default_factory=dict)
    # Other header spellings accepted for this column (compared after header normalisation).
    aliases: tuple[str, ...] = ()
    # Written when the cell is empty (after validation) for optional columns.
    default: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Entity:
    """One input entity: a file a university exports, and the table it is published to."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    # Columns that identify a row; duplicates within the loaded data are errors. For
    # record-or-aggregate entities the key applies to record-level rows (person key set),
    # aggregated rows are keyed by all their dimension columns.
    key: tuple[str, ...]
    # Year column: a re-load replaces the rows of the years (within ``replace_partition``)
    # that the new file holds. ``None``: a re-load replaces rows with the same key.
    year_column: str | None = None
    replace_partition: tuple[str, ...] = ()
    # Person key column for entities that accept record-level or aggregated rows.
    person_key: str | None = None
    # Headers whose presence identifies the entity when the file name does not.
    signature: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def aggregatable(self) -> bool:
        return self.person_key is not None


_GENDER_ALIASES = {
    "f": "female",
    "v": "female",
    "vrouw": "female",
    "woman": "female",
    "w": "female",
    "m": "male",
    "man": "male",
    "x": "other",
    "o": "other",
    "non-binary": "other",
    "nonbinary": "other",
    "diverse": "other",
    "u": "unknown",
    "onbekend": "unknown",
    "": "unknown",
}
_CYCLE_ALIASES = {
    "1": "bachelor",
    "ba": "bachelor",
    "bsc": "bachelor",
    "first": "bachelor",
    "first_cycle": "bachelor",
    "2": "master",
    "ma": "master",
    "msc": "master",
    "second": "master",
    "second_cycle": "master",
    "3": "phd",
    "doctorate": "phd",
    "doctoral": "phd",
    "third": "phd",
    "third_cycle": "phd",
    "promovendus": "phd",
    "s": "short_cycle",
    "short": "short_cycle",
    "short cycle": "short_cycle",
}
_ACTIVITY_ALIASES = {
    "sms": "study",
    "studies": "study",
    "student mobility for studies": "study",
    "smp": "traineeship",
    "smt": "traineeship",
    "placement": "traineeship",
    "internship": "traineeship",
    "student mobility for traineeships": "traineeship",
    "bip": "blended_intensive",
    "blended": "blended_intensive",
    "blended intensive programme": "blended_intensive",
    "virtual": "virtual_exchange",
    "virtual exchange": "virtual_exchange",
    "short doctoral": "short_doctoral",
    "short-term doctoral": "short_doctoral",
    "sta": "staff_teaching",
    "teaching": "staff_teaching",
    "staff mobility for teaching": "staff_teaching",
    "stt": "staff_training",
    "training": "staff_training",
    "staff mobility for training": "staff_training",
}

_student_dimensions = (
    Column(
        "nationality",
        "nationality",
        "First nationality: ISO code or country name; empty = unknown.",
        default=UNKNOWN_NATIONALITY,
    ),
    Column(
        "second_nationality",
        "nationality",
        "Second nationality, if any (dual nationals holding the home nationality count as home).",
    ),
    Column(
        "prior_education_country",
        "country",
        "Country where the entry qualification (secondary education) was obtained.",
        aliases=("country_of_prior_education", "prior_education"),
    ),
    Column(
        "gender",
        "choice",
        "female, male, other or unknown (M/V/F/X accepted).",
        choices=GENDERS,
        choice_aliases=_GENDER_ALIASES,
        aliases=("sex",),
        default="unknown",
    ),
)

PROGRAMMES = Entity(
    name="programmes",
    title="Programmes",
    description="Every programme the university offers, with its faculty and cycle.",
    columns=(
        Column("programme_code", "code", "Programme code (e.g. CROHO code).", required=True),
        Column("programme_name", "text", "Programme name.", required=True),
        Column("faculty", "text", "Faculty the programme belongs to.", required=True),
        Column(
            "cycle",
            "choice",
            "bachelor, master, phd or short_cycle.",
            required=True,
            choices=CYCLES,
            choice_aliases=_CYCLE_ALIASES,
        ),
        Column(
            "mobility_window",
            "bool",
            "Bachelor programmes: does the curriculum offer a 30 ECTS mobility window?",
        ),
        Column(
            "institution_code",
            "code",
            "Institution that offers the programme (BRIN); empty = the home institution.",
            aliases=("brin",),
        ),
    ),
    key=("programme_code",),
    signature=("programme_name", "faculty"),
)

ENROLMENTS = Entity(
    name="enrolments",
    title="Enrolments",
    description=(
        "Students enrolled on the reference date (1 October) of each academic year: one row "
        "per student and programme, or one row per group with a headcount."
    ),
    columns=(
        Column("academic_year", "year", "Academic year (2019 or 2019-20).", required=True),
        Column(
            "student_key",
            "code",
            "Pseudonymous student key (never a name or student number). Empty for aggregated rows.",
        ),
        Column("headcount", "int", "Number of students in an aggregated row (empty = 1)."),
        Column("programme_code", "code", "Programme code (see programmes).", required=True),
        Column(
            "cycle",
            "choice",
            "Cycle; empty = the programme's cycle.",
            choices=CYCLES,
            choice_aliases=_CYCLE_ALIASES,
        ),
        Column(
            "phase",
            "text",
            "Programme phase where the source distinguishes it (e.g. propedeuse, beroepsfase).",
        ),
        *_student_dimensions,
        Column(
            "enrolment_type",
            "choice",
            "degree (enrolled for the diploma) or exchange (incoming credit mobility).",
            choices=ENROLMENT_TYPES,
            choice_aliases={"diploma": "degree", "credit": "exchange", "uitwisseling": "exchange"},
            default="degree",
        ),
        Column(
            "study_mode",
            "choice",
            "full_time, part_time or dual.",
            choices=STUDY_MODES,
            choice_aliases={"voltijd": "full_time", "deeltijd": "part_time", "duaal": "dual"},
        ),
        Column(
            "fewer_opportunities",
            "bool",
            "Student with fewer opportunities (Erasmus+ definition).",
        ),
        Column(
            "population",
            "choice",
            "enrolled (all students on 1 October, the default) or first_year (entrants only).",
            choices=POPULATIONS,
            choice_aliases={"eerstejaars": "first_year", "ingeschrevenen": "enrolled"},
            default="enrolled",
        ),
    ),
    key=("academic_year", "population", "student_key", "programme_code"),
    year_column="academic_year",
    replace_partition=("population",),
    person_key="student_key",
    signature=("enrolment_type",),
)

GRADUATES = Entity(
    name="graduates",
    title="Graduates",
    description=(
        "Diplomas awarded in each academic year. Record-level rows are linked to the mobility "
        "file by student key (the Eurostat way); aggregated rows say whether the group had "
        "qualifying credit mobility."
    ),
    columns=(
        Column(
            "academic_year",
            "year",
            "Academic year of graduation.",
            required=True,
            aliases=("graduation_year",),
        ),
        Column("student_key", "code", "Pseudonymous student key; empty for aggregated rows."),
        Column("headcount", "int", "Number of graduates in an aggregated row (empty = 1)."),
        Column("programme_code", "code", "Programme code (see programmes).", required=True),
        Column(
            "cycle",
            "choice",
            "Cycle; empty = the programme's cycle.",
            choices=CYCLES,
            choice_aliases=_CYCLE_ALIASES,
        ),
        Column("graduation_date", "date", "Date the diploma was awarded."),
        *_student_dimensions,
        Column(
            "credit_mobile",
            "bool",
            "Aggregated rows: did these graduates have credit mobility of >= 3 months or "
            ">= 15 ECTS? Record-level rows: leave empty, it is derived from mobility.",
        ),
    ),
    key=("academic_year", "student_key", "programme_code"),
    year_column="academic_year",
    person_key="student_key",
    signature=("graduation_date", "credit_mobile"),
)

STAFF = Entity(
    name="staff",
    title="Staff",
    description="Staff employed on the reference date (1 October) of each year.",
    columns=(
        Column(
            "reference_year",
            "year",
            "Year of the 1 October reference date (2019 = 1 October 2019).",
            required=True,
            aliases=("academic_year", "year"),
        ),
        Column("staff_key", "code", "Pseudonymous staff key; empty for aggregated rows."),
        Column("headcount", "int", "Number of staff in an aggregated row (empty = 1)."),
        Column("faculty", "text", "Faculty or central unit.", required=True),
        Column("unit", "text", "Institute or department."),
        Column(
            "category",
            "text",
            "Staff category (professor, associate_professor, assistant_professor, researcher, "
            "lecturer, phd_employee, support, ...).",
            required=True,
        ),
        Column(
            "staff_type",
            "choice",
            "academic or support.",
            required=True,
            choices=STAFF_TYPES,
            choice_aliases={
                "wp": "academic",
                "obp": "support",
                "scientific": "academic",
                "non-academic": "support",
            },
        ),
        Column(
            "nationality",
            "nationality",
            "Nationality: ISO code or country name; empty = unknown.",
            default=UNKNOWN_NATIONALITY,
        ),
        Column(
            "second_nationality",
            "nationality",
            "Second nationality, if any (dual nationals holding the home nationality count as "
            "home).",
        ),
        Column(
            "gender",
            "choice",
            "female, male, other or unknown.",
            choices=GENDERS,
            choice_aliases=_GENDER_ALIASES,
            default="unknown",
        ),
        Column("fte", "decimal", "Full-time equivalent of the appointment(s)."),
    ),
    key=("reference_year", "staff_key"),
    year_column="reference_year",
    person_key="staff_key",
    signature=("staff_type",),
)

MOBILITY = Entity(
    name="mobility",
    title="Mobility",
    description=(
        "Student and staff mobility in both directions: one row per stay, or one row per "
        "group with a headcount."
    ),
    columns=(
        Column("mobility_id", "code", "Identifier of the stay in the source system."),
        Column(
            "participant",
            "choice",
            "student or staff.",
            required=True,
            choices=PARTICIPANTS,
        ),
        Column(
            "direction",
            "choice",
            "outgoing (our people abroad) or incoming (guests here).",
            required=True,
            choices=DIRECTIONS,
            choice_aliases={"out": "outgoing", "in": "incoming", "uitgaand": "outgoing"},
        ),
        Column(
            "person_key",
            "code",
            "Pseudonymous student or staff key (links outgoing students to graduates).",
            aliases=("student_key", "staff_key"),
        ),
        Column("headcount", "int", "Number of mobilities in an aggregated row (empty = 1)."),
        Column(
            "academic_year",
            "year",
            "Academic year the stay starts in; empty = derived from start_date.",
        ),
        Column(
            "cycle",
            "choice",
            "Students: cycle during the stay.",
            choices=CYCLES,
            choice_aliases=_CYCLE_ALIASES,
        ),
        Column("programme_code", "code", "Students: home programme (see programmes)."),
        Column("faculty", "text", "Faculty; empty = the programme's faculty."),
        Column(
            "activity",
            "choice",
            "study, traineeship, combined, blended_intensive, virtual_exchange, "
            "short_doctoral, staff_teaching, staff_training or other (SMS/SMP/STA/STT/BIP "
            "accepted).",
            required=True,
            choices=ACTIVITIES,
            choice_aliases=_ACTIVITY_ALIASES,
        ),
        Column("funding", "text", "Funding scheme (e.g. Erasmus+ KA131, own funds).", default=""),
        Column(
            "partner_erasmus_code",
            "erasmus_code",
            "Partner institution's Erasmus code (e.g. D  KONSTAN01).",
        ),
        Column("partner_name", "text", "Partner institution's name."),
        Column("partner_country", "country", "Partner institution's country."),
        Column("start_date", "date", "First day of the stay."),
        Column("end_date", "date", "Last day of the stay (not before start_date)."),
        Column(
            "duration_days",
            "int",
            "Length of the stay in days; empty = derived from the dates.",
        ),
        Column("ects_earned", "decimal", "ECTS earned abroad (completed stays)."),
        Column("ects_recognised", "decimal", "ECTS recognised at home."),
        Column("fewer_opportunities", "bool", "Participant with fewer opportunities."),
    ),
    key=("mobility_id",),
    year_column="academic_year",
    replace_partition=("participant", "direction"),
    person_key="person_key",
    signature=("direction", "activity"),
)

NETWORKS = Entity(
    name="networks",
    title="Networks and memberships",
    description="Networks and alliances the university is a member of, and since when.",
    columns=(
        Column("network_code", "code", "Short code (e.g. LERU, EUNIWELL).", required=True),
        Column("network_name", "text", "Full name.", required=True),
        Column(
            "network_type",
            "text",
            "Kind of network (university_association, european_university_alliance, "
            "regional_alliance, thematic_network, ...).",
            default="network",
        ),
        Column("member_since", "year", "First academic year of membership.", required=True),
        Column("member_until", "year", "Last academic year of membership; empty = ongoing."),
        Column("role", "text", "Role (member, founding_member, board, coordinator).", default=""),
    ),
    key=("network_code",),
    signature=("network_code", "member_since"),
)

NETWORK_ACTIVITIES = Entity(
    name="network_activities",
    title="Network activities",
    description="Activities carried out within a network, with their participants.",
    columns=(
        Column("activity_id", "code", "Identifier of the activity.", required=True),
        Column("network_code", "code", "Network (see networks).", required=True),
        Column("academic_year", "year", "Academic year of the activity.", required=True),
        Column(
            "activity_type",
            "choice",
            "joint_programme, summer_school, staff_exchange, research_project, "
            "student_mobility or other.",
            required=True,
            choices=NETWORK_ACTIVITY_TYPES,
        ),
        Column("title", "text", "Title of the activity.", default=""),
        Column("participants", "int", "Participants from our university.", default="0"),
        Column("faculty", "text", "Faculty involved."),
    ),
    key=("activity_id",),
    year_column="academic_year",
    signature=("network_code", "activity_type"),
)

PROJECTS = Entity(
    name="projects",
    title="Cooperation projects",
    description="Erasmus+ and other international cooperation projects.",
    columns=(
        Column("project_id", "code", "Project reference (e.g. the EC project number).", True),
        Column("title", "text", "Project title.", required=True),
        Column(
            "funding_programme",
            "text",
            "Funding programme (Erasmus+, Horizon Europe, ...).",
            default="Erasmus+",
        ),
        Column(
            "action_type",
            "choice",
            "cooperation_partnership, alliance_for_innovation (incl. knowledge alliances), "
            "european_university, capacity_building, jean_monnet or other.",
            required=True,
            choices=PROJECT_ACTIONS,
            choice_aliases={
                "knowledge_alliance": "alliance_for_innovation",
                "strategic_partnership": "cooperation_partnership",
                "ka220": "cooperation_partnership",
                "ka203": "cooperation_partnership",
                "ka220-hed": "cooperation_partnership",
            },
        ),
        Column(
            "role",
            "choice",
            "coordinator or partner.",
            required=True,
            choices=PROJECT_ROLES,
            choice_aliases={"applicant": "coordinator", "beneficiary": "partner"},
        ),
        Column("start_date", "date", "Project start.", required=True),
        Column("end_date", "date", "Project end (not before start_date).", required=True),
        Column("eu_grant_eur", "decimal", "EU grant to our university in euro."),
        Column("network_code", "code", "Network the project belongs to, if any."),
        Column("faculty", "text", "Lead faculty."),
    ),
    key=("project_id",),
    signature=("project_id", "action_type"),
)

AGREEMENTS = Entity(
    name="agreements",
    title="Partner agreements",
    description="Inter-institutional agreements with partner universities.",
    columns=(
        Column("agreement_id", "code", "Identifier of the agreement.", required=True),
        Column("partner_erasmus_code", "erasmus_code", "Partner's Erasmus code, if any."),
        Column("partner_name", "text", "Partner institution's name.", required=True),
        Column("partner_country", "country", "Partner institution's country.", required=True),
        Column(
            "agreement_type",
            "choice",
            "erasmus_iia, bilateral, joint_degree or other.",
            required=True,
            choices=AGREEMENT_TYPES,
            choice_aliases={"iia": "erasmus_iia", "erasmus": "erasmus_iia"},
        ),
        Column("start_year", "year", "First academic year the agreement is active.", True),
        Column("end_year", "year", "Last academic year; empty = open-ended."),
        Column("faculty", "text", "Faculty that holds the agreement; empty = university-wide."),
        Column("places_outgoing", "int", "Exchange places for our students per year."),
        Column("places_incoming", "int", "Exchange places for partner students per year."),
    ),
    key=("agreement_id",),
    signature=("agreement_id", "partner_name"),
)

INSTITUTIONS = Entity(
    name="institutions",
    title="Partner institutions",
    description="Erasmus code -> name, city and country (e.g. the Erasmus charter list).",
    columns=(
        Column("erasmus_code", "erasmus_code", "Erasmus code.", required=True),
        Column("institution_name", "text", "Name of the institution.", required=True),
        Column("city", "text", "City.", default=""),
        Column("country", "country", "Country.", required=True),
    ),
    key=("erasmus_code",),
    signature=("erasmus_code", "institution_name"),
)

# Load order matters: referenced entities first.
ENTITIES: tuple[Entity, ...] = (
    INSTITUTIONS,
    PROGRAMMES,
    NETWORKS,
    ENROLMENTS,
    GRADUATES,
    STAFF,
    MOBILITY,
    NETWORK_ACTIVITIES,
    PROJECTS,
    AGREEMENTS,
)
ENTITY_BY_NAME: dict[str, Entity] = {entity.name: entity for entity in ENTITIES}

# References checked after every load: (entity, column) -> (entity, column).
RELATIONSHIPS: tuple[tuple[str, str, str, str], ...] = (
    ("enrolments", "programme_code", "programmes", "programme_code"),
    ("graduates", "programme_code", "programmes", "programme_code"),
    ("mobility", "programme_code", "programmes", "programme_code"),
    ("network_activities", "network_code", "networks", "network_code"),
    ("projects", "network_code", "networks", "network_code"),
)
