"""LTI 1.3 (with pylti1p3): Aula as a tool an LMS launches.

- **Keys**: Aula signs with RSA keys it makes itself (``ToolKeys``), private keys in files
  readable by their owner only (0600); ``rotate`` adds a new key that signs from then on, and
  the JWKS keeps publishing the previous one, so tokens in flight stay verifiable.
- **Login and launch**: the OIDC third-party login answers with a redirect to the platform
  and remembers state and nonce in a short-lived signed cookie (no database write, so a GET
  login writes nothing); the launch POST is verified by pylti1p3 (the platform's signature
  from its JWKS, issuer, client, deployment, expiry, state, nonce), then its nonce is recorded
  so the same id_token cannot be launched twice. Launches are cross-site POSTs that carry their
  own proof (a signed id_token bound to the state cookie and a single-use nonce), which is why
  they take no CSRF token: the platform cannot know one.
- **Deep linking**: a teacher picks a lesson or a skill node; Aula answers with a signed
  LtiDeepLinkingResponse.
- **Grades (AGS)**: a launched learner's mastery of the linked lesson or node is queued as a
  score in the outbox with each answer that changes it, and sent (retried until the platform
  accepts) by the deliverer.
- **Roster (NRPS)**: the context's members with their roles mapped to learner or teacher.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import typing as t
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from aula.content.model import Course, Lesson
from aula.services.delivery import Sent
from aula.services.progress import LessonState
from aula.store import LtiLink, OutboxItem, OutboxRecord, Store

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
TEACHER_ROLES = ("Instructor", "Administrator", "ContentDeveloper", "TeachingAssistant", "Mentor")
STATE_LIFETIME = 600
"""Seconds between the OIDC login and the launch it leads to."""
KEEP_KEYS = 2
"""Keys the JWKS publishes: the signing one and the one before it."""


class LtiRefused(Exception):
    """A login or launch that is not accepted, with what to tell the person (nothing stored)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


# Keys


class ToolKeys:
    """Aula's RSA key pairs in ``folder`` (0700), one PEM file per key (0600), newest last."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _files(self) -> list[Path]:
        return sorted(self.folder.glob("*.pem")) if self.folder.exists() else []

    def ensure(self) -> None:
        """Make the first key if there is none."""
        if not self._files():
            self.rotate()

    def rotate(self) -> str:
        """Make a new key that signs from now on; return its kid."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path = self.folder / f"{time.time_ns():020d}.pem"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(pem)
        return str(self.jwk(self.public_pem(path))["kid"])

    def private_pem(self, path: Path | None = None) -> str:
        files = self._files()
        if not files:
            raise LtiRefused("Aula has no LTI key yet: run `aula lti rotate-key`", 503)
        return (path or files[-1]).read_text()

    def public_pem(self, path: Path | None = None) -> str:
        from cryptography.hazmat.primitives import serialization

        private = serialization.load_pem_private_key(self.private_pem(path).encode(), None)
        return (
            private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    @staticmethod
    def jwk(public_pem: str) -> dict[str, Any]:
        from pylti1p3.registration import Registration

        return dict(Registration.get_jwk(public_pem))

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        return {"keys": [self.jwk(self.public_pem(p)) for p in self._files()[-KEEP_KEYS:]]}


# pylti1p3's adapters: a request made of plain dicts, the session kept in a signed cookie.


@dataclass
class LtiRequest:
    """What pylti1p3 reads of a request; ``session`` travels in Aula's signed LTI cookie."""

    params: Mapping[str, str]
    secure: bool
    session: dict[str, Any] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def is_secure(self) -> bool:
        return self.secure

    def get_param(self, key: str) -> str:
        return self.params.get(key, "")


def _tool_classes() -> tuple[Any, Any, Any, Any]:
    """pylti1p3's abstract classes made concrete (imported only where LTI is used)."""
    from pylti1p3.cookie import CookieService
    from pylti1p3.message_launch import MessageLaunch
    from pylti1p3.oidc_login import OIDCLogin
    from pylti1p3.redirect import Redirect

    class Cookies(CookieService):
        def __init__(self, request: LtiRequest) -> None:
            self.request = request

        def get_cookie(self, name: str) -> str | None:
            return self.request.cookies.get(f"{self._cookie_prefix}-{name}")

        def set_cookie(self, name: str, value: str | int, exp: int | None = 3600) -> None:
            self.request.cookies[f"{self._cookie_prefix}-{name}"] = str(value)

    class To(Redirect[str]):
        def __init__(self, location: str) -> None:
            self.location = location

        def do_redirect(self) -> str:
            return self.location

        def do_js_redirect(self) -> str:
            return self.location

        def set_redirect_url(self, location: str) -> None:
            self.location = location

        def get_redirect_url(self) -> str:
            return self.location

    class Login(OIDCLogin[Any, Any, Any, Any, str]):
        def get_redirect(self, url: str) -> To:
            return To(url)

        def _get_request_param(self, key: str) -> str:
            return str(self._request.get_param(key))

    class Launch(MessageLaunch[Any, Any, Any, Any]):
        def _get_request_param(self, key: str) -> str:
            return str(self._request.get_param(key))

    return Cookies, To, Login, Launch


def tool_config(store: Store, keys: ToolKeys) -> Any:
    """pylti1p3's configuration from the registered platforms and Aula's current key."""
    from pylti1p3.tool_config.dict import ToolConfDict

    conf: dict[str, list[dict[str, Any]]] = {}
    for p in store.lti_platforms():
        conf.setdefault(p.issuer, []).append(
            {
                "default": not conf.get(p.issuer),
                "client_id": p.client_id,
                "auth_login_url": p.auth_login_url,
                "auth_token_url": p.auth_token_url,
                "key_set_url": p.key_set_url,
                "key_set": None,
                "deployment_ids": list(p.deployment_ids),
            }
        )
    tool = ToolConfDict(t.cast(Any, conf))
    private, public = keys.private_pem(), keys.public_pem()
    for p in store.lti_platforms():
        tool.set_private_key(p.issuer, private, client_id=p.client_id)
        tool.set_public_key(p.issuer, public, client_id=p.client_id)
    return tool


def _session_service(request: LtiRequest) -> Any:
    from pylti1p3.session import SessionService

    return SessionService(t.cast(Any, request))


def login(store: Store, keys: ToolKeys, request: LtiRequest, launch_url: str) -> str:
    """The platform's authorisation URL to redirect to; state and nonce land in ``request``'s
    session and cookies, which the caller keeps in the signed LTI cookie."""
    from pylti1p3.exception import LtiException, OIDCException

    cookies, _to, login_class, _launch = _tool_classes()
    issuer = request.get_param("iss")
    if not issuer:
        raise LtiRefused("This LTI login names no issuer (iss).")
    if not any(p.issuer == issuer for p in store.lti_platforms()):
        raise LtiRefused(
            f"Unknown LTI platform '{issuer[:200]}': register it with `aula lti add-platform`.", 403
        )
    oidc = login_class(
        request, tool_config(store, keys), _session_service(request), cookies(request)
    )
    try:
        return str(oidc.disable_check_cookies().redirect(launch_url))
    except (LtiException, OIDCException) as error:
        raise LtiRefused(f"LTI login refused: {error}") from error


@dataclass(frozen=True)
class Launched:
    """An accepted launch: who, where to, and what the platform asked for."""

    learner_id: str
    kind: Literal["resource", "deep_link"]
    role: Literal["learner", "teacher"]
    lesson_id: str
    node_id: str | None
    issuer: str
    client_id: str
    deployment_id: str
    claims: Mapping[str, Any]


def learner_for(issuer: str, user_id: str) -> str:
    """The Aula learner id of a platform's user: stable, and no platform id in the clear."""
    digest = hashlib.sha256(f"{issuer}\x00{user_id}".encode()).hexdigest()
    return f"lti-{digest[:40]}"


def _target(course: Course, claims: Mapping[str, Any]) -> tuple[str, str | None]:
    custom = claims.get(CLAIM + "custom") or {}
    lesson_id = str(custom.get("lesson") or "")
    node_id = str(custom.get("node") or "") or None
    if not lesson_id:
        uri = str(claims.get(CLAIM + "target_link_uri") or "")
        if "/lessons/" in uri:
            lesson_id = uri.split("/lessons/", 1)[1].split("/")[0].split("?")[0]
    lesson = course.lesson(lesson_id) if lesson_id else course.lessons[0]
    if lesson is None:
        raise LtiRefused(f"This link names a lesson this course does not have: '{lesson_id}'.", 404)
    if node_id and lesson.skill_tree.node(node_id) is None:
        raise LtiRefused(f"This link names a skill this lesson does not have: '{node_id}'.", 404)
    return lesson.id, node_id


def launch(store: Store, keys: ToolKeys, course: Course, request: LtiRequest) -> Launched:
    """Verify a launch (``LtiRefused`` with the reason otherwise) and remember where the
    learner's score goes."""
    from pylti1p3.exception import LtiException

    cookies, _to, _login, launch_class = _tool_classes()
    if not request.get_param("id_token"):
        raise LtiRefused("This LTI launch carries no id_token.")
    message = launch_class(
        request, tool_config(store, keys), _session_service(request), cookies(request)
    )
    try:
        claims = message.get_launch_data()
    except LtiException as error:
        text = str(error)
        if "Registration not found" in text or "not registered" in text:
            raise LtiRefused(f"Unknown LTI platform or client: {text}", 403) from error
        if "deployment" in text.lower():
            raise LtiRefused(f"Unknown LTI deployment: {text}", 403) from error
        if "expired" in text.lower():
            raise LtiRefused(f"This LTI launch has expired: {text}", 401) from error
        raise LtiRefused(f"LTI launch refused: {text}", 401) from error
    except Exception as error:  # a JWKS that cannot be fetched, a key that does not parse
        raise LtiRefused(f"LTI launch refused: {type(error).__name__}: {error}", 401) from error
    if not store.use_lti_nonce(str(claims["nonce"])):
        raise LtiRefused("This LTI launch was already used: launch again from the LMS.", 401)
    issuer, client_id = message.get_iss(), message.get_client_id()
    user_id = str(claims.get("sub") or "")
    if not user_id:
        raise LtiRefused("This LTI launch names no user (sub).")
    roles = [str(r) for r in claims.get(CLAIM + "roles", [])]
    role: Literal["learner", "teacher"] = (
        "teacher" if any(r.rsplit("#", 1)[-1] in TEACHER_ROLES for r in roles) else "learner"
    )
    learner = learner_for(issuer, user_id)
    deployment = str(claims.get(CLAIM + "deployment_id"))
    if message.is_deep_link_launch():
        return Launched(
            learner,
            "deep_link",
            role,
            course.lessons[0].id,
            None,
            issuer,
            client_id,
            deployment,
            claims,
        )
    lesson_id, node_id = _target(course, claims)
    ags = claims.get(AGS_CLAIM) or {}
    if ags.get("lineitem") and SCORE_SCOPE in ags.get("scope", []):
        store.save_lti_link(
            LtiLink(learner, lesson_id, issuer, client_id, user_id, str(ags["lineitem"]), node_id)
        )
    return Launched(
        learner, "resource", role, lesson_id, node_id, issuer, client_id, deployment, claims
    )


# Deep linking


def deep_link_response(
    store: Store,
    keys: ToolKeys,
    issuer: str,
    client_id: str,
    deployment_id: str,
    settings: Mapping[str, Any],
    course: Course,
    lesson: Lesson,
    node_id: str | None,
    base_url: str,
) -> tuple[str, str]:
    """The platform's return URL and the signed LtiDeepLinkingResponse for the teacher's pick
    (the lesson, or one of its skill nodes)."""
    from pylti1p3.deep_link import DeepLink
    from pylti1p3.deep_link_resource import DeepLinkResource
    from pylti1p3.lineitem import LineItem

    registration = tool_config(store, keys).find_registration_by_params(issuer, client_id)
    if registration is None:
        raise LtiRefused(f"Unknown LTI platform '{issuer}'.", 403)
    node = lesson.skill_tree.node(node_id) if node_id else None
    if node_id and node is None:
        raise LtiRefused(f"No skill '{node_id}' in this lesson.", 404)
    title = f"{lesson.title}: {node.title}" if node else lesson.title
    custom = {"lesson": lesson.id, **({"node": node.id} if node else {})}
    resource = (
        DeepLinkResource()
        .set_url(f"{base_url}/lti/launch")
        .set_title(title)
        .set_custom_params(custom)
        .set_lineitem(LineItem().set_score_maximum(100).set_label(title))
    )
    link = DeepLink(registration, deployment_id, t.cast(Any, dict(settings)))
    return str(settings["deep_link_return_url"]), str(link.get_response_jwt([resource]))


# Grades (AGS)


def score_of(after: LessonState, node_id: str | None) -> tuple[float, bool]:
    """The score out of 100 the platform gets, and whether the work is complete."""
    if node_id:
        view = after.nodes.get(node_id)
        percent = view.progress.percent if view else 0
        return float(percent), bool(view and view.state == "mastered")
    summary = after.summary
    total = summary.nodes_total or 1
    return round(100 * summary.nodes_mastered / total, 2), summary.nodes_mastered == total


def score_messages(
    store: Store, learner_id: str, before: LessonState, after: LessonState, at: datetime
) -> list[OutboxItem]:
    """A score for each platform the learner was launched from, when the answer changed it.
    Reads only for learners who came through LTI."""
    if not learner_id.startswith("lti-"):
        return []
    out = []
    for link in store.lti_links(learner_id, after.lesson.id):
        new, done = score_of(after, link.node_id)
        old, _ = score_of(before, link.node_id)
        if new == old and before.answers:
            continue
        payload = {
            "issuer": link.issuer,
            "client_id": link.client_id,
            "lineitem": link.lineitem_url,
            "score": {
                "userId": link.user_id,
                "scoreGiven": new,
                "scoreMaximum": 100,
                "activityProgress": "Completed" if done else "InProgress",
                "gradingProgress": "FullyGraded" if done else "Pending",
                "timestamp": at.isoformat(),
            },
        }
        out.append(OutboxItem("ags", json.dumps(payload)))
    return out


def ags_sender(store: Store, keys: ToolKeys) -> t.Callable[[Sequence[OutboxRecord]], Sent]:
    """Sends queued scores, each to its platform's line item (pylti1p3's service connector
    gets the access token with a JWT signed by Aula's key). A platform that refuses or cannot
    be reached keeps the score queued."""

    def send(records: Sequence[OutboxRecord]) -> Sent:
        from pylti1p3.assignments_grades import AssignmentsGradesService
        from pylti1p3.grade import Grade
        from pylti1p3.service_connector import ServiceConnector

        config = tool_config(store, keys)
        done: list[int] = []
        error = None
        for record in records:
            data = json.loads(record.payload)
            registration = config.find_registration_by_params(data["issuer"], data["client_id"])
            if registration is None:
                error = f"platform '{data['issuer']}' is no longer registered"
                continue
            score = data["score"]
            grade = (
                Grade()
                .set_score_given(score["scoreGiven"])
                .set_score_maximum(score["scoreMaximum"])
                .set_timestamp(score["timestamp"])
                .set_activity_progress(score["activityProgress"])
                .set_grading_progress(score["gradingProgress"])
                .set_user_id(score["userId"])
            )
            service = AssignmentsGradesService(
                ServiceConnector(registration),
                t.cast(Any, {"scope": [SCORE_SCOPE], "lineitem": data["lineitem"]}),
            )
            try:
                service.put_grade(grade)
            except Exception as failure:  # refused, unreachable, garbage: retried later
                error = f"{type(failure).__name__}: {str(failure)[:300]}"
                continue
            done.append(record.id)
        return Sent(tuple(done), error)

    return send


# Roster (NRPS)


@dataclass(frozen=True)
class Member:
    user_id: str
    learner_id: str
    name: str | None
    email: str | None
    role: Literal["learner", "teacher"]


def roster(store: Store, keys: ToolKeys, launched: Launched) -> list[Member]:
    """The members of the launch's context (course), roles mapped to learner or teacher."""
    from pylti1p3.names_roles import NamesRolesProvisioningService
    from pylti1p3.service_connector import ServiceConnector

    nrps = launched.claims.get(NRPS_CLAIM)
    if not nrps:
        raise LtiRefused("This launch offers no roster (Names and Role Provisioning).")
    registration = tool_config(store, keys).find_registration_by_params(
        launched.issuer, launched.client_id
    )
    service = NamesRolesProvisioningService(ServiceConnector(registration), t.cast(Any, nrps))
    members = []
    for m in service.get_members():
        roles = [str(r).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for r in m.get("roles", [])]
        role: Literal["learner", "teacher"] = (
            "teacher" if any(r in TEACHER_ROLES for r in roles) else "learner"
        )
        user = str(m["user_id"])
        members.append(
            Member(user, learner_for(launched.issuer, user), m.get("name"), m.get("email"), role)
        )
    return members


def roster_to_cohort(
    store: Store, keys: ToolKeys, launched: Launched, cohort_id: int, remove_others: bool = False
) -> list[Member]:
    """The LMS course's roster made the members of an Aula cohort (through the cohorts'
    own ``sync_roster``), roles mapped to learner or teacher. Members get the learner ids
    their LTI launches use, so their progress shows on the cohort's dashboard."""
    from aula.services.cohorts import sync_roster

    members = roster(store, keys, launched)
    sync_roster(store, cohort_id, [(m.learner_id, m.role) for m in members], remove_others)
    return members
