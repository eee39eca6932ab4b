"""How the data's code values read to a person, in the current language.

The ETL stores codes (``blended_intensive``, ``erasmus_iia``, ``female``); charts, tables
and downloads show them through :func:`code_label`. A code not listed here (a university's
own staff category, say) is shown as written, underscores as spaces.
"""

from __future__ import annotations

from dashboard.i18n import N_, _

CODE_LABELS = {
    # mobility activities (etl.entities.ACTIVITIES)
    "study": N_("study"),
    "traineeship": N_("traineeship"),
    "combined": N_("combined study and traineeship"),
    "blended_intensive": N_("blended intensive programme"),
    "virtual_exchange": N_("virtual exchange"),
    "short_doctoral": N_("short doctoral mobility"),
    "staff_teaching": N_("staff teaching"),
    "staff_training": N_("staff training"),
    # network activities (etl.entities.NETWORK_ACTIVITY_TYPES)
    "joint_programme": N_("joint programme"),
    "summer_school": N_("summer school"),
    "staff_exchange": N_("staff exchange"),
    "research_project": N_("research project"),
    "student_mobility": N_("student mobility"),
    # Erasmus+ actions (etl.entities.PROJECT_ACTIONS)
    "cooperation_partnership": N_("cooperation partnership"),
    "alliance_for_innovation": N_("alliance for innovation"),
    "european_university": N_("European University alliance"),
    "capacity_building": N_("capacity building"),
    "jean_monnet": N_("Jean Monnet"),
    # project roles and agreement types
    "coordinator": N_("coordinator"),
    "partner": N_("partner"),
    "erasmus_iia": N_("Erasmus+ inter-institutional agreement"),
    "bilateral": N_("bilateral agreement"),
    "joint_degree": N_("joint degree"),
    # staff types and the demo's staff categories
    "academic": N_("academic staff"),
    "support": N_("support staff"),
    "professor": N_("professor"),
    "associate_professor": N_("associate professor"),
    "assistant_professor": N_("assistant professor"),
    "lecturer": N_("lecturer"),
    "researcher": N_("researcher"),
    "postdoc": N_("postdoc"),
    "management": N_("management"),
    # genders
    "female": N_("female"),
    "male": N_("male"),
    # roles (etl.users.ROLES)
    "board": N_("board"),
    "faculty_manager": N_("faculty manager"),
    "analyst": N_("analyst"),
    "admin": N_("administrator"),
    # the Data page: load status and data-check severity (etl/pipeline.py, etl/checks.py)
    "published": N_("published"),
    "published_with_rejects": N_("published, with rejected rows"),
    "error": N_("error"),
    "warning": N_("warning"),
    "info": N_("information"),
    # shared
    "other": N_("other"),
    "unknown": N_("unknown"),
}

# The notes and method labels the query layer writes into its ``note`` and ``method``
# columns (``dashboard.kpis.query``), in English; translated where they are shown.
DATA_NOTES = (
    N_("graduates"),
    N_("participation rate (fallback: no graduate records)"),
    N_("nationality not available"),
    N_("staff: nationality basis (no prior-education data)"),
)


def code_label(code: str) -> str:
    """``'blended_intensive'`` -> ``'blended intensive programme'`` (in the current
    language)."""
    if code in CODE_LABELS:
        return _(CODE_LABELS[code])
    return code.replace("_", " ")
