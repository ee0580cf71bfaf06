"""``aula lti``: register LMS platforms (LTI 1.3) and manage Aula's signing keys."""

from __future__ import annotations

import json

import click

from aula.errors import SettingsError
from aula.services.lti import ToolKeys
from aula.settings import Settings, from_process
from aula.store import LtiPlatform, Store

DB = click.option(
    "--db",
    "database",
    metavar="URL",
    help="Database (default: the server's, from AULA_DATABASE_URL or the data folder).",
)


def _settings(database: str | None) -> Settings:
    try:
        return from_process({"database_url": database} if database else {})
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def _store(settings: Settings) -> Store:
    from aula.web.asgi import database_url

    return Store.open(database_url(settings))


def _keys(settings: Settings) -> ToolKeys:
    from aula.web.asgi import secret_dir

    return ToolKeys(secret_dir(settings) / "lti-keys")


def _url(value: str, name: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise click.BadParameter("must be an http:// or https:// URL", param_hint=name)
    return value


@click.group(name="lti")
def lti() -> None:
    """LTI 1.3: let an LMS (Moodle, Canvas, …) launch Aula's lessons and get grades back."""


@lti.command(name="add-platform")
@click.option("--issuer", required=True, help="The platform's issuer (iss), e.g. its URL.")
@click.option("--client-id", required=True, help="The client id the platform gave Aula.")
@click.option("--auth-login-url", required=True, help="The platform's OIDC authorisation URL.")
@click.option("--auth-token-url", required=True, help="The platform's OAuth2 token URL.")
@click.option("--jwks-url", required=True, help="The platform's public keyset (JWKS) URL.")
@click.option(
    "--deployment-id",
    "deployment_ids",
    multiple=True,
    required=True,
    help="A deployment id of Aula in the platform (repeat for several).",
)
@DB
def add_platform(
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    jwks_url: str,
    deployment_ids: tuple[str, ...],
    database: str | None,
) -> None:
    """Register (or update) a platform. Restart `aula serve` for grades to start flowing."""
    platform = LtiPlatform(
        issuer.strip(),
        client_id.strip(),
        _url(auth_login_url, "--auth-login-url"),
        _url(auth_token_url, "--auth-token-url"),
        _url(jwks_url, "--jwks-url"),
        tuple(d.strip() for d in deployment_ids if d.strip()),
    )
    settings = _settings(database)
    keys = _keys(settings)
    keys.ensure()
    with _store(settings) as store:
        store.save_lti_platform(platform)
    base = settings.base_url()
    click.echo(f"Registered {platform.issuer} (client {platform.client_id}).")
    click.echo(
        f"Give the platform: login {base}/lti/login, launch {base}/lti/launch, "
        f"keys {base}/lti/jwks.json (all of it: {base}/lti/config.json)."
    )


@lti.command(name="platforms")
@click.option("--json", "as_json", is_flag=True, help="Print them as JSON.")
@DB
def platforms(as_json: bool, database: str | None) -> None:
    """List the registered platforms."""
    with _store(_settings(database)) as store:
        found = store.lti_platforms()
    if as_json:
        click.echo(json.dumps([p.__dict__ for p in found], indent=2))
        return
    for p in found:
        click.echo(f"{p.issuer}  client={p.client_id}  deployments={','.join(p.deployment_ids)}")
    if not found:
        click.echo("No platform registered: `aula lti add-platform --help`.")


@lti.command(name="rotate-key")
@DB
def rotate_key(database: str | None) -> None:
    """Make a new signing key; the JWKS keeps the previous one published too."""
    kid = _keys(_settings(database)).rotate()
    click.echo(
        f"New LTI signing key {kid}: it signs from now on; the JWKS still lists the last one."
    )
