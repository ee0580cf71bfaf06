"""A test LMS made of real parts: its own RSA key, a JWKS, an OAuth2 token endpoint, an AGS
line item that records scores and an NRPS roster, served by a local HTTP server; and
id_tokens signed as a platform signs them (IMS LTI 1.3 message formats)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK  # type: ignore[import-untyped]

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
CLIENT_ID = "aula-client-1"
DEPLOYMENT = "deployment-1"


def new_key() -> tuple[str, dict[str, Any]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = JWK.from_pem(pem.encode())
    jwk = json.loads(public.export_public())
    jwk.update(alg="RS256", use="sig")
    return pem, jwk


class Platform:
    def __init__(self) -> None:
        self.pem, self.jwk = new_key()
        self.scores: list[dict[str, Any]] = []
        self.token_requests: list[dict[str, list[str]]] = []
        self.fail_scores = 0  # answer this many score posts with 500 first
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def reply(self, status: int, body: Any, kind: str = "application/json") -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path == "/jwks":
                    self.reply(200, {"keys": [platform.jwk]})
                elif path == "/memberships":
                    if self.headers.get("authorization") != "Bearer platform-token":
                        self.reply(401, {"error": "no token"})
                        return
                    self.reply(
                        200,
                        platform.roster(),
                        "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
                    )
                else:
                    self.reply(404, {})

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                if path == "/token":
                    platform.token_requests.append(parse_qs(body.decode()))
                    self.reply(
                        200,
                        {
                            "access_token": "platform-token",
                            "token_type": "Bearer",
                            "expires_in": 3600,
                        },
                    )
                elif path == "/lineitems/1/scores":
                    if self.headers.get("authorization") != "Bearer platform-token":
                        self.reply(401, {"error": "no token"})
                        return
                    if platform.fail_scores:
                        platform.fail_scores -= 1
                        self.reply(500, {"error": "try later"})
                        return
                    platform.scores.append(
                        {"content_type": self.headers.get("content-type"), **json.loads(body)}
                    )
                    self.reply(200, {})
                else:
                    self.reply(404, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def issuer(self) -> str:
        return self.url

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def roster(self) -> dict[str, Any]:
        return {
            "id": self.url + "/memberships",
            "context": {"id": "course-1", "label": "SA1", "title": "Sintetografía"},
            "members": [
                {
                    "status": "Active",
                    "user_id": "teacher-1",
                    "name": "Ada Teacher",
                    "email": "ada@example.edu",
                    "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
                },
                {
                    "status": "Active",
                    "user_id": "student-1",
                    "name": "Lin Learner",
                    "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
                },
            ],
        }

    def id_token(
        self,
        nonce: str,
        *,
        sub: str = "student-1",
        message_type: str = "LtiResourceLinkRequest",
        exp_in: int = 300,
        deployment: str = DEPLOYMENT,
        key: str | None = None,
        kid: str | None = None,
        extra: dict[str, Any] | None = None,
        roles: list[str] | None = None,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": sub,
            "iat": now - 5,
            "exp": now + exp_in,
            "nonce": nonce,
            "name": "Lin Learner",
            CLAIM + "message_type": message_type,
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": deployment,
            CLAIM + "roles": roles or ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            CLAIM + "context": {"id": "course-1", "label": "SA1", "title": "Sintetografía"},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": self.url + "/memberships",
                "service_versions": ["2.0"],
            },
        }
        if message_type == "LtiResourceLinkRequest":
            claims[CLAIM + "resource_link"] = {"id": "link-" + str(uuid.uuid4())}
            claims[CLAIM + "target_link_uri"] = "http://127.0.0.1:8000/lti/launch"
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                "lineitem": self.url + "/lineitems/1",
            }
        else:
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.url + "/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["window", "iframe"],
                "data": "opaque-platform-data",
            }
        claims.update(extra or {})
        return jwt.encode(
            claims, key or self.pem, algorithm="RS256", headers={"kid": kid or self.jwk["kid"]}
        )
