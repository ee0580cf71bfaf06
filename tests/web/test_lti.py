"""LTI 1.3 against a test platform of real parts (tests/web/lti_platform.py): OIDC login,
signed launches, deep linking, grade passback (AGS) through the outbox, the roster (NRPS);
and the launches a tool must refuse. No real Moodle or Canvas was available here."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from aula.content import Course
from aula.services import lti
from aula.services.delivery import Sender, deliver_once
from aula.settings import Settings
from aula.store import LtiPlatform, OutboxKind, Store
from aula.web.app import Aula, create_app
from aula.web.identity import Identity

from .conftest import SECRET, csrf_token
from .lti_platform import CLIENT_ID, DEPLOYMENT, Platform, new_key

LATER = timedelta(days=1)


@pytest.fixture
def platform() -> Iterator[Platform]:
    p = Platform()
    p.start()
    yield p
    p.stop()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with Store.open(database_url) as opened:
        yield opened


@pytest.fixture
def keys(tmp_path: Path) -> lti.ToolKeys:
    k = lti.ToolKeys(tmp_path / "lti-keys")
    k.ensure()
    return k


@pytest.fixture
def app(course: Course, store: Store, keys: lti.ToolKeys, platform: Platform) -> Starlette:
    store.save_lti_platform(
        LtiPlatform(
            platform.issuer,
            CLIENT_ID,
            platform.url + "/auth",
            platform.url + "/token",
            platform.url + "/jwks",
            (DEPLOYMENT,),
        )
    )
    aula = Aula(Settings(embeddings="off"), course, store, Identity(SECRET))
    aula.__dict__["lti_keys"] = keys  # the cached property, pointed at this test's folder
    return create_app(aula, deliver=False)  # the test delivers the outbox itself


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://aula.test", follow_redirects=False) as c:
        c.headers["accept"] = "text/html"
        yield c


def login(client: TestClient, platform: Platform, **extra: str) -> tuple[str, str]:
    """The OIDC login initiation as the platform sends it; the state and nonce Aula chose."""
    params = {
        "iss": platform.issuer,
        "login_hint": "student-1",
        "client_id": CLIENT_ID,
        "target_link_uri": "http://127.0.0.1:8000/lti/launch",
        "lti_message_hint": "hint-1",
        **extra,
    }
    response = client.get("/lti/login", params=params)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == platform.url + "/auth"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["response_type"] == "id_token" and query["scope"] == "openid"
    assert query["response_mode"] == "form_post" and query["prompt"] == "none"
    assert query["client_id"] == CLIENT_ID and query["login_hint"] == "student-1"
    assert query["redirect_uri"].endswith("/lti/launch")
    return query["state"], query["nonce"]


def counts(store: Store) -> tuple[int, int]:
    import sqlalchemy as sa

    from aula.store.schema import learners, lti_nonces

    with store._engine.connect() as c:  # counting rows, nothing else
        return (
            c.execute(sa.select(sa.func.count()).select_from(learners)).scalar_one(),
            c.execute(sa.select(sa.func.count()).select_from(lti_nonces)).scalar_one(),
        )


def test_a_launch_signs_the_user_in_and_opens_the_lesson(
    client: TestClient, platform: Platform, store: Store
) -> None:
    before = counts(store)
    state, nonce = login(client, platform)
    assert counts(store) == before  # the login, a GET, keeps state and nonce in a cookie
    response = client.post(
        "/lti/launch", data={"id_token": platform.id_token(nonce), "state": state}
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/lessons/open-vs-closed"
    learner = lti.learner_for(platform.issuer, "student-1")
    session = client.get("/api/session").json()  # the browser is now that learner
    assert session["new"] is False
    assert session["csrf_token"] == Identity(SECRET).csrf_token(learner)
    links = store.lti_links(learner, "open-vs-closed")
    assert [(link.user_id, link.lineitem_url) for link in links] == [
        ("student-1", platform.url + "/lineitems/1")
    ]


def test_grades_reach_the_platform_on_every_mastery_change_and_are_retried(
    client: TestClient, platform: Platform, store: Store, keys: lti.ToolKeys, course: Course
) -> None:
    state, nonce = login(client, platform)
    client.post("/lti/launch", data={"id_token": platform.id_token(nonce), "state": state})
    token = csrf_token(client)
    lesson = course.lessons[0]
    for node in lesson.skill_tree.nodes:
        for q in node.questions:
            body = {"question_id": q.id, "choice_ids": sorted(q.correct_ids)}
            assert (
                client.post("/api/answers", json=body, headers={"x-csrf-token": token}).status_code
                == 200
            )
    queued = [p for p in store.outbox_pending() if p.kind == "ags"]
    assert len(queued) >= len(lesson.skill_tree.nodes)
    platform.fail_scores = 1  # the platform refuses the first batch: nothing is lost
    sender: dict[OutboxKind, Sender] = {"ags": lti.ags_sender(store, keys)}
    at = datetime.now(UTC)
    sent = deliver_once(store, sender, 600, now=at)
    assert sent == len(queued) - 1
    pending = [p for p in store.outbox_pending() if p.kind == "ags"]
    assert len(pending) == 1 and "500" in (pending[0].last_error or "")
    assert deliver_once(store, sender, 600, now=at + LATER) == 1
    assert store.outbox_pending() == []
    assert len(platform.scores) == len(queued)
    final = max(platform.scores, key=lambda s: s["scoreGiven"])
    assert final["scoreGiven"] == 100 and final["scoreMaximum"] == 100
    assert final["userId"] == "student-1"
    assert final["activityProgress"] == "Completed" and final["gradingProgress"] == "FullyGraded"
    assert {s["content_type"] for s in platform.scores} == {"application/vnd.ims.lis.v1.score+json"}
    # The service token was asked for with a client assertion signed by Aula's key.
    assertion = platform.token_requests[0]["client_assertion"][0]
    kid = jwt.get_unverified_header(assertion)["kid"]
    public = next(k for k in keys.jwks()["keys"] if k["kid"] == kid)
    claims = jwt.decode(
        assertion, jwt.PyJWK(public).key, algorithms=["RS256"], audience=platform.url + "/token"
    )
    assert claims["iss"] == claims["sub"] == CLIENT_ID


@pytest.mark.parametrize(
    ("case", "status", "message"),
    [
        ("expired", 401, "expired"),
        ("wrong-key", 401, "refused"),
        ("unknown-deployment", 403, "deployment"),
        ("no-state-cookie", 401, "State"),
        ("wrong-nonce", 401, "Nonce"),
    ],
)
def test_bad_launches_are_refused_with_a_reason_and_store_nothing(
    client: TestClient, platform: Platform, store: Store, case: str, status: int, message: str
) -> None:
    state, nonce = login(client, platform)
    if case == "expired":
        token = platform.id_token(nonce, exp_in=-60)
    elif case == "wrong-key":
        other, _ = new_key()
        token = platform.id_token(nonce, key=other)  # the platform's kid, another key
    elif case == "unknown-deployment":
        token = platform.id_token(nonce, deployment="someone-else")
    elif case == "wrong-nonce":
        token = platform.id_token("a-nonce-aula-never-gave")
    else:
        token = platform.id_token(nonce)
        client.cookies.clear()
    before = counts(store)
    response = client.post("/lti/launch", data={"id_token": token, "state": state})
    assert response.status_code == status, response.text
    assert message in response.text
    assert counts(store) == before
    assert store.outbox_pending() == []


def test_a_replayed_launch_is_refused(client: TestClient, platform: Platform, store: Store) -> None:
    state, nonce = login(client, platform)
    data = {"id_token": platform.id_token(nonce), "state": state}
    cookies = dict(client.cookies)
    assert client.post("/lti/launch", data=data).status_code == 303
    client.cookies.update(cookies)  # the same browser state, the same token, once more
    again = client.post("/lti/launch", data=data)
    assert again.status_code == 401
    assert "already used" in again.text


def test_an_unknown_issuer_is_refused_at_login(client: TestClient, store: Store) -> None:
    response = client.get(
        "/lti/login", params={"iss": "https://lms.unknown.example", "login_hint": "x"}
    )
    assert response.status_code == 403
    assert "Unknown LTI platform" in response.text
    assert "set-cookie" not in {k.lower() for k in response.headers if k.lower() != "set-cookie"}


def test_deep_linking_returns_the_teachers_pick_signed_by_aula(
    client: TestClient, platform: Platform, keys: lti.ToolKeys
) -> None:
    state, nonce = login(client, platform)
    teacher = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
    token = platform.id_token(
        nonce, sub="teacher-1", message_type="LtiDeepLinkingRequest", roles=teacher
    )
    page = client.post("/lti/launch", data={"id_token": token, "state": state})
    assert page.status_code == 200, page.text
    assert 'value="open-vs-closed:two-kingdoms"' in page.text
    pending = page.text.split('name="pending" value="', 1)[1].split('"', 1)[0]
    picked = client.post(
        "/lti/deep-link",
        data={
            "pending": pending,
            "target": "open-vs-closed:two-kingdoms",
            "csrf_token": csrf_token(client),
        },
    )
    assert picked.status_code == 200, picked.text
    assert f'action="{platform.url}/deep-link-return"' in picked.text
    assert platform.url in picked.headers["content-security-policy"]
    response_jwt = picked.text.split('name="JWT" value="', 1)[1].split('"', 1)[0]
    kid = jwt.get_unverified_header(response_jwt)["kid"]
    public = next(k for k in keys.jwks()["keys"] if k["kid"] == kid)
    claims = jwt.decode(
        response_jwt, jwt.PyJWK(public).key, algorithms=["RS256"], audience=platform.issuer
    )
    assert claims["iss"] == CLIENT_ID
    assert claims[lti.CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[lti.CLAIM + "deployment_id"] == DEPLOYMENT
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-platform-data"
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["custom"] == {"lesson": "open-vs-closed", "node": "two-kingdoms"}
    assert item["lineItem"]["scoreMaximum"] == 100


def test_a_deep_link_pick_without_the_csrf_token_or_with_a_forged_request_is_refused(
    client: TestClient, platform: Platform
) -> None:
    state, nonce = login(client, platform)
    token = platform.id_token(nonce, sub="teacher-1", message_type="LtiDeepLinkingRequest")
    page = client.post("/lti/launch", data={"id_token": token, "state": state})
    pending = page.text.split('name="pending" value="', 1)[1].split('"', 1)[0]
    no_csrf = client.post("/lti/deep-link", data={"pending": pending, "target": "open-vs-closed"})
    assert no_csrf.status_code == 403
    forged = client.post(
        "/lti/deep-link",
        data={
            "pending": pending[:-4] + "AAAA",
            "target": "open-vs-closed",
            "csrf_token": csrf_token(client),
        },
    )
    assert forged.status_code == 400 and "expired or was altered" in forged.text


def test_a_launch_for_a_node_lands_on_it(client: TestClient, platform: Platform) -> None:
    state, nonce = login(client, platform)
    custom = {lti.CLAIM + "custom": {"lesson": "open-vs-closed", "node": "two-kingdoms"}}
    response = client.post(
        "/lti/launch", data={"id_token": platform.id_token(nonce, extra=custom), "state": state}
    )
    assert response.headers["location"] == "/lessons/open-vs-closed/nodes/two-kingdoms"


def test_the_roster_maps_roles_to_learner_and_teacher(
    client: TestClient, platform: Platform, store: Store, keys: lti.ToolKeys, course: Course
) -> None:
    state, nonce = login(client, platform)
    request = lti.LtiRequest({"id_token": platform.id_token(nonce), "state": state}, False)
    import json as _json

    from aula.web.identity import Identity as _Identity

    sealed = client.cookies.get("aula_lti")
    assert sealed
    opened = _Identity(SECRET).unseal(sealed, 600)
    request.session.update(opened["session"])
    request.cookies.update(opened["cookies"])
    launched = lti.launch(store, keys, course, request)
    members = lti.roster(store, keys, launched)
    assert [(m.user_id, m.role) for m in members] == [
        ("teacher-1", "teacher"),
        ("student-1", "learner"),
    ]
    assert members[1].learner_id == launched.learner_id
    assert _json.dumps(members[0].name) == '"Ada Teacher"'
    # The roster becomes an Aula cohort through the cohorts' own service.
    from aula.services.cohorts import create_cohort

    owner = store.accounts.add_user("teacher@example.edu", "teacher", "owner-learner")
    cohort = create_cohort(store, owner, "SA1 from the LMS")
    lti.roster_to_cohort(store, keys, launched, cohort.id)
    found = {(m.learner_id, m.role) for m in store.accounts.members(cohort.id)}
    assert found == {
        (lti.learner_for(platform.issuer, "teacher-1"), "teacher"),
        (launched.learner_id, "learner"),
    }


def test_jwks_and_config_publish_what_an_lms_admin_registers(
    client: TestClient, keys: lti.ToolKeys, tmp_path: Path
) -> None:
    first = client.get("/lti/jwks.json").json()["keys"]
    assert len(first) == 1 and first[0]["alg"] == "RS256" and first[0]["use"] == "sig"
    assert "d" not in first[0]  # public parts only
    keys.rotate()
    rotated = client.get("/lti/jwks.json").json()["keys"]
    assert len(rotated) == 2 and rotated[0]["kid"] == first[0]["kid"]
    for pem in (tmp_path / "lti-keys").glob("*.pem"):
        assert stat.S_IMODE(os.stat(pem).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "lti-keys").st_mode) == 0o700
    config = client.get("/lti/config.json").json()
    assert config["oidc_initiation_url"].endswith("/lti/login")
    assert config["public_jwk_url"].endswith("/lti/jwks.json")
    assert lti.SCORE_SCOPE in config["scopes"]
