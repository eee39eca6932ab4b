"""EC Erasmus+ mobility open data: the real TidyTuesday-format sample (youth, KA347: not
higher education) as published, and higher-education files in the EC's own headers and in
the snake_case variant, built here."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import replace
from pathlib import Path

from etl.pipeline import load_files
from tests.conftest import query

REAL = Path(__file__).parents[2] / "fixtures" / "real"
SAMPLE = REAL / "erasmusplus_ka3_youth_2014_2020_tidytuesday_format_DE_sample1000.csv"
HE_ACTIONS = {"KA103", "KA107", "KA131", "KA171"}

EC_HEADERS = [
    "Project Reference",
    "Academic Year",
    "Mobility Start Month",
    "Mobility End Month",
    "Mobility Duration",
    "Activity (mob)",
    "Field of Education",
    "Participant Nationality",
    "Education Level",
    "Participant Gender",
    "Participant Profile",
    "Special Needs",
    "Fewer Opportunities",
    "GroupLeader",
    "Participant Age",
    "Sending Country Code",
    "Sending City",
    "Sending Organization",
    "Sending Organisation Erasmus Code",
    "Receiving Country Code",
    "Receiving City",
    "Receiving Organization",
    "Receiving Organisation Erasmus Code",
    "Participants",
]
LEIDEN = ("NL", "Leiden", "UNIVERSITEIT LEIDEN", "NL LEIDEN01")
KONSTANZ = ("DE", "Konstanz", "UNIVERSITAT KONSTANZ", "D  KONSTAN01")
BACHELOR = "ISCED-6 - First cycle / Bachelor's or equivalent level"
MASTER = "ISCED-7 - Second cycle / Master's or equivalent level"


def ec_row(reference, year, start, end, days, activity, level, profile, fewer, sender, receiver, n):
    return [
        reference,
        year,
        start,
        end,
        days,
        activity,
        "Law",
        "NL",
        level,
        "Female",
        profile,
        "No",
        fewer,
        "No",
        "21",
        *sender,
        *receiver,
        n,
    ]


def raw_sample() -> list[dict[str, str]]:
    text = SAMPLE.read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_youth_sample_is_recognised_and_skipped_as_not_higher_education(settings):
    rows = raw_sample()
    actions = Counter(row["project_reference"].split("-")[3] for row in rows)
    assert len(rows) == 1000 and actions == {"KA347": 1000}
    not_he = sum(count for action, count in actions.items() if action not in HE_ACTIONS)

    result = load_files([SAMPLE], settings)
    report = result.files[0]
    assert report.format == "erasmusplus_mobility"
    assert report.rows_read == 1000
    assert report.rows_skipped == {"not higher education": not_he}
    assert report.rows_rejected == 0 and report.rows_accepted == 0
    assert "not higher education, skipped: KA347 (1000)" in report.notes
    assert result.published
    assert query(settings.database, "select count(*) from mobility") == [(0,)]


def write_ec_file(path: Path) -> Path:
    rows = [
        # 2: ours, outgoing, 3 students.
        ec_row(
            "2015-1-NL01-KA103-008551", "2015-2016", "2015-09", "2016-01", "150",
            "Student mobility for studies between Programme Countries", BACHELOR, "Learner",
            "No", LEIDEN, KONSTANZ, "3",
        ),
        # 3: ours, incoming traineeship.
        ec_row(
            "2015-1-DE01-KA103-002000", "2015-2016", "2016-02", "2016-06", "120",
            "Student mobility for traineeships between Programme Countries", MASTER,
            "Learner", "Yes", KONSTANZ, LEIDEN, "1",
        ),
        # 4: staff teaching to the UK (the EC writes UK).
        ec_row(
            "2015-1-NL01-KA103-008551", "2015-2016", "2015-10", "2015-10", "5",
            "Staff mobility for teaching between Programme Countries", "", "Staff", "No",
            LEIDEN, ("UK", "London", "UCL", "UK LONDON029"), "1",
        ),
        # 5: staff training to Greece (the EC writes EL).
        ec_row(
            "2015-1-NL01-KA103-008551", "2015-2016", "2015-11", "2015-11", "3",
            "Staff mobility for training between Programme Countries", "", "Staff", "No",
            LEIDEN, ("EL", "Athina", "NKUA", "G  ATHINE01"), "2",
        ),
        # 6: VET: not higher education.
        ec_row(
            "2015-1-NL01-KA102-000001", "2015-2016", "2015-10", "2015-10", "14",
            "VET learners traineeships in vocational institutes/companies", "", "Learner",
            "No", ("NL", "Leiden", "MBO Rijnland", ""), ("DE", "Berlin", "Firma", ""), "2",
        ),
        # 7: another university's students.
        ec_row(
            "2015-1-FR01-KA103-000002", "2015-2016", "2015-10", "2016-01", "90",
            "Student mobility for studies between Programme Countries", BACHELOR, "Learner",
            "No", ("FR", "Paris", "SORBONNE", "F  PARIS001"), KONSTANZ, "2",
        ),
        # 8: a blended intensive programme (2021+ reference with the sector).
        ec_row(
            "2022-1-NL01-KA131-HED-000012345", "2022-2023", "2023-03", "2023-03", "6",
            "Blended Intensive Programme", "", "Learner", "No", LEIDEN,
            ("IT", "Roma", "SAPIENZA", "I  ROMA01"), "4",
        ),
        # 9: accompanying person.
        ec_row(
            "2015-1-NL01-KA103-008551", "2015-2016", "2015-10", "2015-10", "5",
            "Student mobility for studies between Programme Countries", "",
            "Accompanying person", "No", LEIDEN, KONSTANZ, "1",
        ),
        # 10: an activity with no mapping of its own stays distinguishable as 'other'.
        ec_row(
            "2022-1-NL01-KA131-HED-000012345", "2022-2023", "2023-04", "2023-04", "10",
            "Staff mobility for teaching and training", "", "Staff", "No", LEIDEN,
            KONSTANZ, "1",
        ),
    ]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(EC_HEADERS)
        writer.writerows(rows)
    return path


def test_ec_headers_map_to_mobility(settings, tmp_path):
    path = write_ec_file(tmp_path / "ErasmusPlus_KA1_2015.csv")
    result = load_files([path], settings)
    report = result.files[0]
    assert report.format == "erasmusplus_mobility"
    assert report.rows_read == 9
    assert report.rows_skipped == {
        "not higher education": 1,
        "accompanying person": 1,
        "not our institution": 1,
    }
    assert report.rows_accepted == 6 and report.rows_rejected == 0
    rows = query(
        settings.database,
        "select participant, direction, headcount, academic_year, cycle, activity, funding, "
        "partner_erasmus_code, partner_name, partner_country, start_date, end_date, "
        "duration_days, fewer_opportunities from mobility order by start_date",
    )
    assert rows == [
        ("student", "outgoing", 3, 2015, "bachelor", "study", "Erasmus+ KA103",
         "D  KONSTAN01", "UNIVERSITAT KONSTANZ", "DE", dt.date(2015, 9, 1),
         dt.date(2016, 1, 28), 150, False),
        ("staff", "outgoing", 1, 2015, None, "staff_teaching", "Erasmus+ KA103",
         "UK LONDON029", "UCL", "GB", dt.date(2015, 10, 1), dt.date(2015, 10, 5), 5, False),
        ("staff", "outgoing", 2, 2015, None, "staff_training", "Erasmus+ KA103",
         "G  ATHINE01", "NKUA", "GR", dt.date(2015, 11, 1), dt.date(2015, 11, 3), 3, False),
        ("student", "incoming", 1, 2015, "master", "traineeship", "Erasmus+ KA103",
         "D  KONSTAN01", "UNIVERSITAT KONSTANZ", "DE", dt.date(2016, 2, 1),
         dt.date(2016, 5, 30), 120, True),
        ("student", "outgoing", 4, 2022, None, "blended_intensive", "Erasmus+ KA131",
         "I  ROMA01", "SAPIENZA", "IT", dt.date(2023, 3, 1), dt.date(2023, 3, 6), 6, False),
        ("staff", "outgoing", 1, 2022, None, "other",
         "Erasmus+ KA131: Staff mobility for teaching and training", "D  KONSTAN01",
         "UNIVERSITAT KONSTANZ", "DE", dt.date(2023, 4, 1), dt.date(2023, 4, 10), 10, False),
    ]  # fmt: skip


def test_home_code_setting_decides_the_point_of_view(settings, tmp_path):
    path = write_ec_file(tmp_path / "ErasmusPlus_KA1_2015.csv")
    konstanz = replace(settings, home_erasmus_code="D  KONSTAN01")
    result = load_files([path], konstanz)
    # As Konstanz sees it: lines 2 (3 people), 7 (2) and 10 (1) come in, line 3 goes out;
    # lines 4, 5 and 8 are neither sent nor received by it.
    directions = Counter(
        dict(query(settings.database, "select direction, sum(headcount) from mobility group by 1"))
    )
    assert directions == {"incoming": 3 + 2 + 1, "outgoing": 1}
    assert result.files[0].rows_skipped["not our institution"] == 3


def test_snake_case_variant_with_higher_education_rows(settings, tmp_path):
    """The real sample's layout (snake_case, an extra id column), turned into higher
    education rows: without Erasmus codes nothing can be attributed; with the code columns
    (and Participants) the rows map like the EC's own headers."""
    rows = raw_sample()[:20]
    for row in rows:
        row["project_reference"] = row["project_reference"].replace("KA347", "KA103")
        row["activity_mob"] = "Student mobility for studies between Programme Countries"
    plain = tmp_path / "snake_no_codes.csv"
    with plain.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = load_files([plain], settings).files[0]
    assert report.format == "erasmusplus_mobility"
    assert report.rows_skipped == {"no Erasmus code (cannot attribute to an institution)": 20}

    for number, row in enumerate(rows):
        row["sending_organisation_erasmus_code"] = "NL LEIDEN01" if number < 5 else "D  KOELN 03"
        row["receiving_organisation_erasmus_code"] = "D  KONSTAN01"
        row["participants"] = "2"
    coded = tmp_path / "snake_codes.csv"
    with coded.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = load_files([coded], settings).files[0]
    assert report.rows_skipped == {"not our institution": 15}
    assert report.rows_accepted == 5
    expected_days = sum(int(row["mobility_duration"]) * 2 for row in rows[:5])
    assert query(
        settings.database,
        "select sum(headcount), sum(headcount * duration_days), min(direction), "
        "min(partner_erasmus_code), min(activity) from mobility",
    ) == [(10, expected_days, "outgoing", "D  KONSTAN01", "study")]
