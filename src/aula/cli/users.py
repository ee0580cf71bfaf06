"""``aula users``: add accounts, list them, change roles, issue one-time sign-in links.

The first admin can only be made here (the web has no way to make one). Every command opens
the database ``aula serve`` would (``--db`` / ``AULA_DATABASE_URL`` / the default file).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from aula.settings import Settings, SettingsError, from_process
from aula.store import Store, StoreUnavailable
from aula.store.account_store import ROLES, AccountRefused, check_role

DB_HELP = "SQLite file or postgresql://… URL (or set AULA_DATABASE_URL)."
BASE_HELP = "Address learners reach the server at, for printed links (default http://HOST:PORT)."


def _settings(db: str | None) -> Settings:
    try:
        return from_process({"database_url": db} if db else {})
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def _store(settings: Settings) -> Iterator[Store]:
    from aula.web.asgi import database_url

    try:
        with Store.open(database_url(settings)) as store:
            yield store
    except StoreUnavailable as exc:
        raise click.ClickException(str(exc)) from None


def _link(settings: Settings, base_url: str | None, token: str) -> str:
    base = (base_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    return f"{base}/account/link/{token}"


@click.group(name="users")
def users() -> None:
    """Accounts: optional, for schools and teams (anonymous learning needs none)."""


@users.command(name="add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--db", "db", help=DB_HELP)
@click.option("--base-url", help=BASE_HELP)
def add(email: str, role: str, password_stdin: bool, db: str | None, base_url: str | None) -> None:
    """Add an account; without --password-stdin, print a one-time link to set the password."""
    from aula.services.accounts import PasswordRefused, add_user

    settings = _settings(db)
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    with _store(settings) as store:
        try:
            user, token = add_user(store, email, check_role(role), password, settings.link_hours)
        except (AccountRefused, PasswordRefused, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Added {user.email} ({user.role}).")
    if token:
        click.echo(f"One-time link to set the password (valid {settings.link_hours} hours):")
        click.echo(_link(settings, base_url, token))


@users.command(name="list")
@click.option("--db", "db", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_users(db: str | None, as_json: bool) -> None:
    """Every account, by email."""
    with _store(_settings(db)) as store:
        found = store.accounts.users()
    rows = [
        {
            "email": u.email,
            "role": u.role,
            "password": u.password_hash is not None,
            "single_sign_on": u.oidc_subject is not None,
            "created_at": u.created_at.isoformat(),
        }
        for u in found
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No accounts yet: learners are anonymous. Add one with `aula users add`.")
    for r in rows:
        how = "password" if r["password"] else ("SSO" if r["single_sign_on"] else "no password")
        click.echo(f"{r['email']:40} {r['role']:8} {how}")


@users.command(name="set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--db", "db", help=DB_HELP)
def set_role_command(email: str, role: str, db: str | None) -> None:
    """Change an account's role (written in the audit log)."""
    from aula.services.accounts import set_role

    with _store(_settings(db)) as store:
        try:
            user = set_role(store, email, check_role(role), actor="cli")
        except (AccountRefused, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"{user.email} is now {user.role}.")


@users.command(name="link")
@click.argument("email")
@click.option("--db", "db", help=DB_HELP)
@click.option("--base-url", help=BASE_HELP)
def link(email: str, db: str | None, base_url: str | None) -> None:
    """Print a one-time link that sets a new password (a reset); earlier links stop working."""
    from aula.services.accounts import issue_link

    settings = _settings(db)
    with _store(settings) as store:
        try:
            token = issue_link(store, email, settings.link_hours, actor="cli")
        except (AccountRefused, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(_link(settings, base_url, token))


@users.command(name="audit")
@click.option("--db", "db", help=DB_HELP)
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def audit(db: str | None, limit: int, as_json: bool) -> None:
    """The audit log, newest first: accounts, roles, links, exports, deletions."""
    with _store(_settings(db)) as store:
        entries = store.accounts.audit_entries(limit)
    rows = [
        {
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "subject": e.subject,
            "detail": e.detail,
        }
        for e in entries
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(f"{r['at'][:19]}  {r['actor']:24} {r['action']:16} {r['subject']} {r['detail']}")
