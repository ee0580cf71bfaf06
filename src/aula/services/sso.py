"""Single sign-on with OpenID Connect (authorization code flow with PKCE), through authlib.

``begin`` makes the provider's sign-in address and the values that must come back (``state``)
or be signed into the ID token (``nonce``); the web keeps them in a signed, short-lived cookie
of the browser that started. ``finish`` checks ``state``, trades the code for tokens, checks
the ID token's signature against the provider's published keys (JWKS) and its issuer,
audience, expiry and nonce, and only then signs the person in (merging the browser's
anonymous progress like a password sign-in). Anything forged or stale: ``SSORefused``, and
nothing is changed. No HTTP serving here; every function blocks (call it from a thread).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import httpx

from aula.services.accounts import SignedIn, new_learner_id, open_session
from aula.settings import OIDCProvider, Settings
from aula.store import Store
from aula.store.account_store import AccountRefused

TIMEOUT = 10.0
SCOPE = "openid email profile"


class SSORefused(Exception):
    """A sign-in that cannot complete; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Flow:
    """What the browser that started must bring back, kept in its signed cookie."""

    provider: str
    state: str
    nonce: str
    verifier: str
    next: str

    def to_dict(self) -> dict[str, str]:
        return {
            "provider": self.provider,
            "state": self.state,
            "nonce": self.nonce,
            "verifier": self.verifier,
            "next": self.next,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Flow | None:
        keys = ("provider", "state", "nonce", "verifier", "next")
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in keys):
            return None
        return cls(*(data[k] for k in keys))


def provider_named(settings: Settings, name: str) -> OIDCProvider | None:
    return next((p for p in settings.oidc() if p.name == name), None)


_DISCOVERED: dict[str, dict[str, Any]] = {}


def discover(provider: OIDCProvider) -> dict[str, Any]:
    """The provider's metadata (``/.well-known/openid-configuration``), fetched once."""
    found = _DISCOVERED.get(provider.issuer)
    if found is None:
        try:
            response = httpx.get(
                f"{provider.issuer}/.well-known/openid-configuration", timeout=TIMEOUT
            )
            response.raise_for_status()
            found = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SSORefused(502, f"{provider.label} cannot be reached now ({exc}).") from None
        if not isinstance(found, dict) or found.get("issuer", "").rstrip("/") != provider.issuer:
            raise SSORefused(502, f"{provider.label} describes another issuer; check the setting.")
        _DISCOVERED[provider.issuer] = found
    return found


def _client(provider: OIDCProvider, redirect_uri: str) -> Any:
    from authlib.integrations.httpx_client import OAuth2Client

    return OAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret or None,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=TIMEOUT,
    )


def begin(provider: OIDCProvider, redirect_uri: str, next_path: str) -> tuple[str, Flow]:
    """The address to send the browser to, and the flow to keep in its cookie."""
    meta = discover(provider)
    flow = Flow(
        provider=provider.name,
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        verifier=secrets.token_urlsafe(48),
        next=next_path,
    )
    with _client(provider, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"],
            state=flow.state,
            nonce=flow.nonce,
            code_verifier=flow.verifier,
        )
    return str(url), flow


def _claims(provider: OIDCProvider, meta: dict[str, Any], id_token: str, nonce: str) -> Any:
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    try:
        keys = httpx.get(meta["jwks_uri"], timeout=TIMEOUT)
        keys.raise_for_status()
        keyset = KeySet.import_key_set(keys.json())
    except (httpx.HTTPError, ValueError, KeyError, JoseError) as exc:
        raise SSORefused(502, f"{provider.label}'s signing keys cannot be read ({exc}).") from None
    try:
        token = jwt.decode(id_token, keyset, algorithms=["RS256", "ES256", "PS256"])
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": provider.issuer},
            sub={"essential": True},
            exp={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise SSORefused(400, f"The sign-in token is not valid ({exc}); nothing changed.") from None
    claims = token.claims
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if provider.client_id not in audiences:
        raise SSORefused(400, "The sign-in token was made for another application.")
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SSORefused(400, "The sign-in token does not answer this sign-in (nonce).")
    return claims


def finish(
    store: Store,
    settings: Settings,
    provider: OIDCProvider,
    flow: Flow | None,
    state: str,
    code: str,
    redirect_uri: str,
    anonymous: str | None,
) -> SignedIn:
    """Complete the sign-in the provider sent back (see the module's docstring)."""
    if flow is None or flow.provider != provider.name:
        raise SSORefused(400, "This sign-in was not started in this browser, or took too long.")
    if not state or not hmac.compare_digest(state, flow.state):
        raise SSORefused(400, "The sign-in came back with the wrong state: nothing changed.")
    if not code:
        raise SSORefused(400, "The provider sent no code back: the sign-in was not completed.")
    meta = discover(provider)
    from authlib.integrations.base_client.errors import OAuthError

    try:
        with _client(provider, redirect_uri) as client:
            tokens = client.fetch_token(
                meta["token_endpoint"],
                code=code,
                code_verifier=flow.verifier,
                grant_type="authorization_code",
            )
    except (OAuthError, httpx.HTTPError, ValueError) as exc:
        raise SSORefused(400, f"{provider.label} refused the sign-in code ({exc}).") from None
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise SSORefused(400, f"{provider.label} sent no ID token.")
    claims = _claims(provider, meta, id_token, flow.nonce)
    subject = f"{provider.issuer}|{claims['sub']}"
    user = store.accounts.user_by_subject(subject)
    if user is None:
        email = claims.get("email")
        if not isinstance(email, str) or claims.get("email_verified") is False:
            raise SSORefused(403, f"{provider.label} did not give a verified email address.")
        user = store.accounts.user_by_email(email)
        if user is not None:
            store.accounts.link_subject(user.id, subject)
        elif settings.access == "invitation":
            raise SSORefused(403, "This course is by invitation: ask an administrator for one.")
        else:
            try:
                user = store.accounts.add_user(
                    email, "learner", new_learner_id(), None, subject, actor=f"sso:{provider.name}"
                )
            except (AccountRefused, ValueError) as exc:
                raise SSORefused(403, str(exc)) from None
    return open_session(store, settings, user, anonymous)
