"""The ``intl-kpi`` command line (work in progress: filled in by the foundation issue)."""

import click


@click.group()
def main() -> None:
    """Internationalisation KPIs: load data, inspect it, compute KPIs."""
