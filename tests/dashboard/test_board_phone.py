"""The folded navbar (issue 13, part 4): the toggler opens and closes it, a page change
closes it, and its inputs pass the callback-input allow-list (any other value is refused)."""

from __future__ import annotations

import pytest

import app  # noqa: F401 (registers the pages and callbacks)
from dashboard import ids
from dashboard.callbacks.shell import navbar_open
from dashboard.components.shell import navbar
from dashboard.filters_state import InvalidInput
from dashboard.security import check_input


def test_the_toggler_opens_and_closes_and_a_page_change_closes():
    assert navbar_open(ids.APP_NAVBAR_TOGGLER, False) is True
    assert navbar_open(ids.APP_NAVBAR_TOGGLER, True) is False
    assert navbar_open(ids.APP_NAVBAR_TOGGLER, None) is True
    assert navbar_open(ids.APP_LOCATION, True) is False


def test_the_navbar_folds_below_md_with_its_links_inside_the_collapse():
    bar = navbar([{"name": "Overview", "module": "pages.overview", "relative_path": "/"}])
    assert bar.expand == "md"
    container = bar.children
    toggler, collapse = container.children[1], container.children[2]
    assert toggler.id == ids.APP_NAVBAR_TOGGLER
    assert collapse.id == ids.APP_NAVBAR_COLLAPSE and collapse.is_open is False
    assert ids.APP_NAVBAR in str(collapse) and ids.APP_USER in str(collapse)


@pytest.mark.parametrize(
    ("prop", "good", "bad"),
    [
        ((ids.APP_NAVBAR_TOGGLER, "n_clicks"), 3, "3"),
        ((ids.APP_NAVBAR_COLLAPSE, "is_open"), True, "yes"),
    ],
)
def test_the_toggle_inputs_are_validated(prop, good, bad):
    assert check_input(*prop, good) == good
    with pytest.raises(InvalidInput):
        check_input(*prop, bad)
