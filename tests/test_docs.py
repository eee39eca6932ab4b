"""The README documents what the code defines: every setting, entity column and KPI."""

from etl.docs import README, render
from etl.settings import SETTINGS


def test_every_setting_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [setting.env for setting in SETTINGS if setting.env not in text]
    assert not missing, f"settings missing from README.md: {missing}"


def test_generated_readme_sections_are_up_to_date():
    text = README.read_text(encoding="utf-8")
    assert render(text) == text, "README.md is out of date: run `python -m etl.docs`"


def test_readme_shows_the_two_commands_first():
    text = README.read_text(encoding="utf-8")
    assert text.index("make run") < text.index("make test") < text.index("## What you see")
