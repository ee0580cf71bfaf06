"""A small but real OpenID Connect provider, run as its own process by the SSO tests.

Authorization code flow with PKCE (S256), client_secret_basic or _post, single-use codes,
redirect URIs checked, RS256 ID tokens signed with a key made at start and published as a
JWKS. Consent is automatic: ``login_hint`` (an email) names who signs in, as a test user
would have typed it at the provider. Run: ``python oidc_provider.py PORT CLIENT_ID SECRET``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import sys
import time
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

PORT, CLIENT_ID, CLIENT_SECRET = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ISSUER = f"http://127.0.0.1:{PORT}"
KEY = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
CODES: dict[str, dict[str, Any]] = {}


async def discovery(request: Request) -> Response:
    return JSONResponse(
        {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/authorize",
            "token_endpoint": f"{ISSUER}/token",
            "jwks_uri": f"{ISSUER}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }
    )


async def jwks(request: Request) -> Response:
    return JSONResponse({"keys": [KEY.as_dict(private=False)]})


def _error(status: int, error: str) -> Response:
    return JSONResponse({"error": error}, status_code=status)


async def authorize(request: Request) -> Response:
    q = request.query_params
    if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code":
        return _error(400, "unauthorized_client")
    if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
        return _error(400, "invalid_request")
    email = q.get("login_hint") or "sso-user@school.org"
    code = secrets.token_urlsafe(24)
    CODES[code] = {
        "redirect_uri": q.get("redirect_uri"),
        "nonce": q.get("nonce"),
        "challenge": q["code_challenge"],
        "email": email,
        "sub": "sub-" + hashlib.sha256(email.encode()).hexdigest()[:16],
    }
    back = f"{q.get('redirect_uri')}?{urlencode({'code': code, 'state': q.get('state', '')})}"
    return RedirectResponse(back, status_code=302)


async def token(request: Request) -> Response:
    form = await request.form()
    client_id, secret = form.get("client_id"), form.get("client_secret")
    auth = request.headers.get("authorization", "")
    if auth.startswith("Basic "):
        client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
    if client_id != CLIENT_ID or secret != CLIENT_SECRET:
        return _error(401, "invalid_client")
    grant = CODES.pop(str(form.get("code", "")), None)  # single use
    if grant is None or form.get("grant_type") != "authorization_code":
        return _error(400, "invalid_grant")
    if form.get("redirect_uri") != grant["redirect_uri"]:
        return _error(400, "invalid_grant")
    verifier = str(form.get("code_verifier", ""))
    digest = hashlib.sha256(verifier.encode()).digest()
    if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
        return _error(400, "invalid_grant")
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": grant["sub"],
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "email": grant["email"],
        "email_verified": True,
    }
    if grant["nonce"]:
        claims["nonce"] = grant["nonce"]
    id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, KEY)
    return JSONResponse(
        {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }
    )


app = Starlette(
    routes=[
        Route("/.well-known/openid-configuration", discovery),
        Route("/jwks", jwks),
        Route("/authorize", authorize),
        Route("/token", token, methods=["POST"]),
    ]
)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="warning")
