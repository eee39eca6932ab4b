"""The demo generator on its own, at a small scale: deterministic for a seed, different for
another seed, and every file it writes is recognised by name and loads without rejects."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.demo import generate_demo
from etl.formats import detect_format
from etl.pipeline import load_files
from etl.readers import read_table
from tests.conftest import query

SCALE = 0.05


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> list[Path]:
    return generate_demo(tmp_path_factory.mktemp("demo"), scale=SCALE, seed=7)


def _frames(paths: list[Path]) -> dict[str, pd.DataFrame]:
    return {path.name: read_table(path).frame for path in paths}


def test_same_seed_gives_the_same_files(demo_files, tmp_path):
    again = generate_demo(tmp_path, scale=SCALE, seed=7)
    assert [path.name for path in again] == [path.name for path in demo_files]
    first, second = _frames(demo_files), _frames(again)
    for name, frame in first.items():
        pd.testing.assert_frame_equal(frame, second[name], obj=name)
    # Parquet and CSV are byte-identical (an .xlsx holds its own creation time).
    for path in demo_files:
        if path.suffix != ".xlsx":
            assert path.read_bytes() == (tmp_path / path.name).read_bytes(), path.name


def test_another_seed_gives_other_data(demo_files, tmp_path):
    other = _frames(generate_demo(tmp_path, scale=SCALE, seed=8))
    first = _frames(demo_files)
    for name in ("enrolments.parquet", "staff.parquet", "mobility.parquet"):
        assert not first[name].equals(other[name]), name


def test_every_file_is_recognised_by_its_name(demo_files):
    for path in demo_files:
        assert detect_format(read_table(path)).name == path.name.split(".")[0]


def test_the_files_load_without_rejects(demo_files, settings):
    result = load_files(demo_files, settings, demo=True, fresh=True)
    assert result.published
    assert result.rejects.empty
    assert all(report.rows_rejected == 0 for report in result.files)
    assert set(result.findings["severity"]) <= {"warning", "info"}
    # Outgoing students are linked to their enrolments by key.
    ((unlinked,),) = query(
        settings.database,
        "select count(*) from mobility where participant = 'student' "
        "and direction = 'outgoing' and person_key not in (select student_key from enrolments) "
        "and academic_year >= 2015",
    )
    assert unlinked == 0


def test_scale_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="scale"):
        generate_demo(tmp_path, scale=0)
