"""``intl-kpi users``: the dashboard's local users (registered in ``etl/cli.py``).

Passwords are asked twice without echo, or read from standard input with
``--password-stdin`` (for scripts); they never appear on the command line, where other
users of the machine could read them from the process list.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from etl.settings import Settings
from etl.status import published_faculties
from etl.users import FACULTY_MANAGER, ROLES, UserError, UserStore, users_file


def _settings(database: Path | None) -> Settings:
    try:
        return Settings.from_env(database=database)
    except ValueError as error:
        raise click.UsageError(str(error)) from error


def _store(database: Path | None) -> UserStore:
    return UserStore(users_file(_settings(database)))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _fail(error: UserError) -> None:
    click.echo(f"Error: {error}", err=True)
    sys.exit(1)


database_option = click.option(
    "--database",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Database file; users.json is kept next to it (default: the INTL_KPI_USERS setting).",
)
stdin_option = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)


@click.group()
def users() -> None:
    """Manage the dashboard's local users (INTL_KPI_SIGN_IN=local)."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may see.")
@click.option("--faculty", default=None, help=f"The faculty of a {FACULTY_MANAGER}.")
@stdin_option
@database_option
def add(
    name: str, role: str, faculty: str | None, password_stdin: bool, database: Path | None
) -> None:
    """Add a user NAME with a role (and the faculty of a faculty manager)."""
    store = _store(database)
    try:
        user = store.add(name, role, _password(password_stdin), faculty)
    except UserError as error:
        _fail(error)
        return
    scope = f" of {user.faculty}" if user.faculty else ""
    click.echo(f"Added {user.name} ({user.role}{scope}) to {store.path}.")
    known = published_faculties(_settings(database).database) if user.faculty else None
    if known is not None and user.faculty not in known:
        # Faculties are matched exactly: a typo would show this manager nothing at all.
        click.echo(
            f"Warning: the published data has no faculty {user.faculty!r} "
            f"(it has: {', '.join(known) or 'none'}); {user.name} sees nothing until it does.",
            err=True,
        )


@users.command("list")
@database_option
def list_users(database: Path | None) -> None:
    """List the users with their roles (never their password hashes)."""
    store = _store(database)
    try:
        rows = list(store)
    except UserError as error:
        _fail(error)
        return
    if not rows:
        click.echo(f"No users in {store.path}.")
        return
    click.echo(f"{'name':<24} {'role':<16} {'faculty':<24} password changed")
    for user in rows:
        click.echo(
            f"{user.name:<24} {user.role:<16} {user.faculty or '-':<24} {user.password_changed_at}"
        )


@users.command("remove")
@click.argument("name")
@database_option
def remove(name: str, database: Path | None) -> None:
    """Remove the user NAME (their open sessions end at their next request)."""
    store = _store(database)
    try:
        store.remove(name)
    except UserError as error:
        _fail(error)
        return
    click.echo(f"Removed {name}.")


@users.command("passwd")
@click.argument("name")
@stdin_option
@database_option
def passwd(name: str, password_stdin: bool, database: Path | None) -> None:
    """Set a new password for the user NAME."""
    store = _store(database)
    try:
        if store.get(name) is None:
            raise UserError(f"there is no user {name!r}")
        store.set_password(name, _password(password_stdin))
    except UserError as error:
        _fail(error)
        return
    click.echo(f"Password of {name} changed.")
