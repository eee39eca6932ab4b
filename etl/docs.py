"""Regenerates the README's reference sections from the code that defines them (input
entities, settings, KPIs), so the documentation cannot drift: ``python -m etl.docs``
rewrites README.md and ``tests/test_docs.py`` fails when it is out of date."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from etl.settings import SETTINGS
from etl.templates import entities_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def settings_markdown() -> str:
    lines = ["| environment variable | default | meaning |", "|---|---|---|"]
    for setting in SETTINGS:
        default = f"`{setting.default}`" if setting.default else "(empty)"
        lines.append(f"| `{setting.env}` | {default} | {setting.help} |")
    return "\n".join(lines)


def kpis_markdown() -> str:
    from dashboard.kpis.docs import kpi_markdown_table

    return kpi_markdown_table()


def targets_markdown() -> str:
    from dashboard.kpis.docs import targets_markdown as render

    return render()


SECTIONS: dict[str, Callable[[], str]] = {
    "entities": lambda: entities_markdown("####"),
    "settings": settings_markdown,
    "kpis": kpis_markdown,
    "targets": targets_markdown,
}


def render(text: str) -> str:
    """``text`` with every ``<!-- name:start -->...<!-- name:end -->`` section regenerated."""
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
        if pattern.search(text):
            text = pattern.sub(lambda match, make=make: match[1] + make() + "\n" + match[2], text)
    return text


def main() -> int:
    current = README.read_text(encoding="utf-8")
    updated = render(current)
    if updated != current:
        README.write_text(updated, encoding="utf-8")
        print(f"updated {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
