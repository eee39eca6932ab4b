"""Text from the data drawn as text, never as markup, in every figure.

plotly.js renders a subset of HTML in every string it draws: trace text, hover labels, tick
labels of category axes, legend names and titles understand ``<a href=...>``, ``<b>``,
``<br>``, ``<span style=...>`` and more (``svg_text_utils.convertToTspans`` in plotly.js 4.1,
the version Dash serves). A network named ``<a href="https://evil">Official report</a>``
would be drawn as a clickable link. That function first splits a string on tags and then
decodes entities (``&lt;``, ``&gt;``, ``&amp;``...) inside the text between them, so a string
with ``&``, ``<`` and ``>`` escaped is drawn as exactly its characters and holds no tag.

Every figure builder is wrapped in :func:`plain_text_figure`: the one place where the
data-driven strings of a finished figure (trace names, x/y categories, text, hover text,
custom data, locations, tick texts) are escaped. Hover templates and titles are the
dashboard's own strings and are left alone; a template shows a name through
``%{fullData.name}``, which is escaped.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from typing import Any, ParamSpec

from dashboard.i18n import plotly_separators

# Trace properties that can hold strings from the data.
TRACE_TEXT_PROPERTIES = ("name", "x", "y", "text", "hovertext", "customdata", "labels",
                         "locations")  # fmt: skip

P = ParamSpec("P")


def plain(text: str) -> str:
    """``text`` as plotly draws it literally: ``&``, ``<`` and ``>`` escaped."""
    return html.escape(text, quote=False)


def _escaped(value: Any) -> Any:
    """``value`` with every string in it escaped; the same object when nothing changes."""
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, dict):
        changed = {key: _escaped(item) for key, item in value.items()}
        return value if all(changed[k] is value[k] for k in value) else changed
    if hasattr(value, "__iter__") and not isinstance(value, bytes):
        try:
            items = list(value)
        except TypeError:
            return value
        escaped = [_escaped(item) for item in items]
        if all(new is old for new, old in zip(escaped, items, strict=True)):
            return value
        return escaped
    return value


def _needs_escaping(value: Any) -> bool:
    if isinstance(value, str):
        return any(character in value for character in "&<>")
    if isinstance(value, dict):
        return any(_needs_escaping(item) for item in value.values())
    if hasattr(value, "__iter__") and not isinstance(value, bytes):
        try:
            return any(_needs_escaping(item) for item in value)
        except TypeError:
            return False
    return False


def escape_figure_text(figure: dict[str, Any]) -> dict[str, Any]:
    """``figure`` (a plotly figure written as a dict) with the data-driven strings of every
    trace (and category tick texts) escaped, in place; returns it."""
    for trace in figure.get("data", ()):
        for name in TRACE_TEXT_PROPERTIES:
            value = trace.get(name)
            if value is None or not _needs_escaping(value):
                continue  # left untouched: numbers and plain names keep their arrays
            trace[name] = plain(value) if isinstance(value, str) else _escaped(value)
    layout = figure.setdefault("layout", {})
    for axis in ("xaxis", "yaxis"):
        ticktext = layout.get(axis, {}).get("ticktext")
        if ticktext is not None and _needs_escaping(ticktext):
            layout[axis]["ticktext"] = _escaped(ticktext)
    return figure


def plain_text_figure(
    builder: Callable[P, dict[str, Any]],
) -> Callable[P, dict[str, Any]]:
    """Decorator for a figure builder (which returns the figure as a plain dict): its
    figure's data-driven text is escaped, and its numbers (ticks, hover labels) use the
    current language's separators (``23,3`` in Dutch)."""

    @functools.wraps(builder)
    def build(*args: P.args, **kwargs: P.kwargs) -> dict[str, Any]:
        figure = escape_figure_text(builder(*args, **kwargs))
        figure["layout"]["separators"] = plotly_separators()
        return figure

    return build
