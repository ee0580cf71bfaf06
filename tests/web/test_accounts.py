"""Signing in, throttling, links, roles, cohorts and the teacher's dashboard over HTTP."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from aula.services.accounts import issue_link

from .accounts_helpers import (
    PASSWORD,
    answer,
    create_cohort,
    fresh_client,
    join,
    make_user,
    sign_in,
)
from .conftest import csrf_token
from .test_reads import counts


def test_wrong_password_is_401_and_changes_nothing_but_the_count(
    app: Starlette, client: TestClient
) -> None:
    make_user(app, "ana@school.org")
    answer(client, "tk-runs-locally", "stable-diffusion")
    before = counts(app)
    assert sign_in(client, "ana@school.org", "wrong password!") == 401
    assert sign_in(client, "nobody@school.org", "wrong password!") == 401
    after = counts(app)
    assert after.pop("login_failures") == before.pop("login_failures") + 4  # 2 keys x 2 tries
    assert after == before
    assert client.get("/api/account").json()["signed_in"] is False


def test_sign_in_merges_anonymous_progress_and_sign_out_leaves_it(
    app: Starlette, client: TestClient
) -> None:
    make_user(app, "ana@school.org")
    answer(client, "tk-runs-locally", "midjourney")
    answer(client, "tk-runs-locally", "stable-diffusion")
    assert sign_in(client, "ana@school.org") == 303
    me = client.get("/api/account").json()
    assert me["signed_in"] and me["email"] == "ana@school.org"
    progress = client.get("/api/progress/export").json()
    assert [(a["question_id"], a["attempt"]) for a in progress["answers"]] == [
        ("tk-runs-locally", 1),
        ("tk-runs-locally", 2),
    ]
    # Signed in on a second device: the same progress, and a new answer adds to it.
    other = fresh_client(app)
    assert sign_in(other, "ana@school.org") == 303
    answer(other, "tk-what-you-get", "access-vs-file")
    assert len(client.get("/api/progress/export").json()["answers"]) == 3
    # Signing out: this browser starts afresh, the account keeps everything.
    form = {"csrf_token": csrf_token(client)}
    assert client.post("/logout", data=form).status_code == 303
    assert client.get("/api/account").json()["signed_in"] is False
    assert client.get("/api/progress/export").json()["answers"] == []
    assert len(other.get("/api/progress/export").json()["answers"]) == 3


def test_brute_force_is_throttled_per_account_and_per_address(app: Starlette) -> None:
    make_user(app, "ana@school.org")
    make_user(app, "ben@school.org")
    attacker = fresh_client(app)
    statuses = [sign_in(attacker, "ana@school.org", f"guess number {i}") for i in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]
    # Even the right password waits now: the account is paused, for everyone.
    assert sign_in(fresh_client(app), "ana@school.org") == 429
    # The address is paused too, for other accounts.
    assert sign_in(attacker, "ben@school.org") == 429


def test_login_needs_csrf(app: Starlette, client: TestClient) -> None:
    make_user(app, "ana@school.org")
    client.get("/login")
    form = {"email": "ana@school.org", "password": PASSWORD}
    assert client.post("/login", data=form).status_code == 403
    assert client.get("/api/account").json()["signed_in"] is False


def test_password_change_and_one_time_links(app: Starlette, client: TestClient) -> None:
    make_user(app, "ana@school.org")
    assert sign_in(client, "ana@school.org") == 303
    form = {"csrf_token": csrf_token(client), "current": "not it at all", "new": "x" * 12}
    assert client.post("/account/password", data=form).status_code == 403
    form = {"csrf_token": csrf_token(client), "current": PASSWORD, "new": "short"}
    assert client.post("/account/password", data=form).status_code == 422
    form = {"csrf_token": csrf_token(client), "current": PASSWORD, "new": "a brand new one"}
    assert client.post("/account/password", data=form).status_code == 303
    assert sign_in(fresh_client(app), "ana@school.org") == 401
    assert sign_in(fresh_client(app), "ana@school.org", "a brand new one") == 303
    # A reset link from an admin: opening it changes nothing; it works once.
    token = issue_link(app.state.aula.store, "ana@school.org", 1, actor="cli")
    browser = fresh_client(app)
    assert browser.get(f"/account/link/{token}").status_code == 200
    assert browser.get(f"/account/link/{token}").status_code == 200
    form = {"csrf_token": csrf_token(browser), "token": token, "password": "reset password 1"}
    assert browser.post("/account/link", data=form).status_code == 303
    assert browser.post("/account/link", data=form).status_code == 410
    assert browser.get(f"/account/link/{token}").status_code == 410
    form["token"] = "forged-token"
    assert browser.post("/account/link", data=form).status_code == 404
    assert sign_in(fresh_client(app), "ana@school.org", "reset password 1") == 303
    # The reset ended the sessions opened before it.
    assert client.get("/api/account").json()["signed_in"] is False


def test_joining_with_a_wrong_code_is_404_and_changes_nothing(
    app: Starlette, client: TestClient
) -> None:
    client.get("/")
    before = counts(app)
    assert join(client, "NOPE-NOPE") == 404
    assert join(client, "") == 404
    assert counts(app) == before


def test_a_learner_cannot_use_teachers_routes(app: Starlette, client: TestClient) -> None:
    make_user(app, "ana@school.org")
    assert sign_in(client, "ana@school.org") == 303
    assert client.get("/teach").status_code == 403
    assert client.get("/api/teach/cohorts").status_code == 403
    headers = {"x-csrf-token": csrf_token(client)}
    before = counts(app)
    response = client.post("/api/teach/cohorts", json={"name": "Mine"}, headers=headers)
    assert response.status_code == 403
    form = {"csrf_token": csrf_token(client), "name": "Mine"}
    assert client.post("/teach/cohorts", data=form).status_code == 403
    assert counts(app) == before
    anonymous = fresh_client(app)
    assert anonymous.get("/api/teach/cohorts").status_code == 401
    assert anonymous.get("/teach").status_code == 303


def teach_paths(app: Starlette, cohort_id: int) -> list[tuple[str, str]]:
    """(method, path) of every /teach and /api/teach route that names a cohort."""
    out = []
    for route in app.routes:
        if not isinstance(route, Route) or "{cohort_id}" not in route.path:
            continue
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            path = route.path.replace("{cohort_id}", str(cohort_id)).replace("{table}", "matrix")
            out.append((method, path))
    return out


def test_a_teacher_sees_only_their_own_cohorts_on_every_route(
    app: Starlette, client: TestClient
) -> None:
    make_user(app, "t1@school.org", "teacher")
    make_user(app, "t2@school.org", "teacher")
    assert sign_in(client, "t1@school.org") == 303
    mine = create_cohort(client, "Mine")
    intruder = fresh_client(app)
    assert sign_in(intruder, "t2@school.org") == 303
    theirs = create_cohort(intruder, "Theirs")
    paths = teach_paths(app, int(str(mine["id"])))
    assert len(paths) >= 7 and {p.split("/")[1] for _, p in paths} == {"teach", "api"}
    for method, path in paths:
        if method == "GET":
            assert client.get(path).status_code == 200, path
            assert intruder.get(path).status_code == 404, path
        else:
            ok = client.post(path, data={"csrf_token": csrf_token(client)})
            assert ok.status_code == 200, path
            refused = intruder.post(path, data={"csrf_token": csrf_token(intruder)})
            assert refused.status_code == 404, path
    listed = intruder.get("/api/teach/cohorts").json()["cohorts"]
    assert [c["id"] for c in listed] == [theirs["id"]]
    assert "Mine" not in intruder.get("/teach").text
    for bad in ("999999", "abc", "-1"):
        assert client.get(f"/api/teach/cohorts/{bad}").status_code == 404


def test_the_dashboard_shows_the_cohort_matrix_and_item_analysis(
    app: Starlette, client: TestClient
) -> None:
    make_user(app, "t1@school.org", "teacher")
    make_user(app, "ana@school.org")
    assert sign_in(client, "t1@school.org") == 303
    cohort = create_cohort(client, "Class A")
    code = str(cohort["join_code"])
    ana = fresh_client(app)
    assert sign_in(ana, "ana@school.org") == 303
    assert join(ana, code) == 303
    bob = fresh_client(app)  # anonymous, never signs in
    assert join(bob, code.lower()) == 303
    answer(ana, "tk-runs-locally", "stable-diffusion")
    answer(bob, "tk-runs-locally", "midjourney")
    answer(bob, "tk-runs-locally", "stable-diffusion")
    outsider = fresh_client(app)
    answer(outsider, "tk-runs-locally", "web-app")
    board = client.get(f"/api/teach/cohorts/{cohort['id']}").json()
    labels = [row["label"] for row in board["learners"]]
    assert labels == ["ana@school.org", "Anonymous learner 2"]
    assert {row["nodes"]["two-kingdoms"] for row in board["learners"]} == {"in_progress"}
    assert board["learners"][0]["nodes"]["great-divide"] == "not_started"
    items = client.get(f"/api/teach/cohorts/{cohort['id']}/items").json()["items"]
    item = next(i for i in items if i["question_id"] == "tk-runs-locally")
    # By hand: ana right first (1 try), bob wrong (midjourney) then right (2 tries).
    assert item["learners"] == 2 and item["share_right_first"] == 0.5
    assert item["top_distractor"] == "midjourney" and item["top_distractor_count"] == 1
    assert item["mean_tries"] == 1.5
    assert item["point_biserial"] is None  # no other question: no ability to correlate
    page = client.get(f"/teach/cohorts/{cohort['id']}/items").text
    assert "<svg" in page and 'role="img"' in page and "<table" in page
    csv_form = {"csrf_token": csrf_token(client)}
    exported = client.post(f"/teach/cohorts/{cohort['id']}/export/items.csv", data=csv_form)
    assert exported.status_code == 200 and "tk-runs-locally,two-kingdoms,2,0.500" in exported.text
    store = app.state.aula.store
    assert ("export.csv", "items") in [(e.action, e.detail) for e in store.accounts.audit_entries()]


def test_class_questions_are_anonymous_and_include_refusals(
    app: Starlette, client: TestClient
) -> None:
    make_user(app, "t1@school.org", "teacher")
    make_user(app, "ana@school.org")
    assert sign_in(client, "t1@school.org") == 303
    cohort = create_cohort(client, "Class A")
    ana = fresh_client(app)
    assert sign_in(ana, "ana@school.org") == 303
    assert join(ana, str(cohort["join_code"])) == 303
    headers = {"x-csrf-token": csrf_token(ana)}
    for question in ("How much VRAM does SDXL need?", "What is the capital of Peru?"):
        assert (
            ana.post(
                "/api/instructor/ask", json={"question": question}, headers=headers
            ).status_code
            == 200
        )
    asked = client.get(f"/api/teach/cohorts/{cohort['id']}/questions").json()
    assert asked["shown"] == "anonymous"
    rows = {q["question"]: q["refused"] for q in asked["questions"]}
    assert rows == {"How much VRAM does SDXL need?": False, "What is the capital of Peru?": True}
    assert all("learner" not in q for q in asked["questions"])
    assert "ana@school.org" not in client.get(f"/teach/cohorts/{cohort['id']}/questions").text


def test_export_and_delete_an_account(app: Starlette, client: TestClient) -> None:
    make_user(app, "ana@school.org")
    assert sign_in(client, "ana@school.org") == 303
    answer(client, "tk-runs-locally", "stable-diffusion")
    data = client.post("/account/export", data={"csrf_token": csrf_token(client)}).json()
    assert data["account"]["email"] == "ana@school.org" and len(data["answers"]) == 1
    assert {"instructor_turns", "questions_asked", "cohorts", "review_cards"} <= set(data)
    form = {"csrf_token": csrf_token(client), "confirm": "someone@else.org"}
    assert client.post("/account/delete", data=form).status_code == 422
    assert client.get("/api/account").json()["signed_in"] is True
    form["confirm"] = "ana@school.org"
    assert client.post("/account/delete", data=form).status_code == 303
    assert client.get("/api/account").json()["signed_in"] is False
    assert sign_in(fresh_client(app), "ana@school.org") == 401
    actions = [e.action for e in app.state.aula.store.accounts.audit_entries()]
    assert "export" in actions and "user.delete" in actions
    engine = app.state.aula.store._engine
    with engine.connect() as connection:
        owners = connection.execute(sa.text("SELECT learner_id FROM answers")).scalars().all()
    assert len(owners) == 1 and re.match(r"^erased-", owners[0])  # kept, anonymous


@pytest.fixture
def closed_app(app: Starlette) -> Starlette:
    aula = app.state.aula
    aula.settings = aula.settings.model_copy(update={"access": "signed-in"})
    return app


def test_access_signed_in_sends_visitors_to_sign_in(closed_app: Starlette) -> None:
    make_user(closed_app, "ana@school.org")
    visitor = fresh_client(closed_app)
    home = visitor.get("/")
    assert home.status_code == 303 and home.headers["location"].startswith("/login")
    assert visitor.get("/api/progress").status_code == 401
    assert visitor.get("/login").status_code == 200
    assert sign_in(visitor, "ana@school.org") == 303
    assert visitor.get("/").status_code == 200


def test_signing_in_again_rotates_the_session(app: Starlette, client: TestClient) -> None:
    make_user(app, "ana@school.org")
    assert sign_in(client, "ana@school.org") == 303
    first = client.cookies["aula_session"]
    assert sign_in(client, "ana@school.org") == 303
    assert client.cookies["aula_session"] != first
    assert client.get("/api/account").json()["signed_in"] is True
    replay = fresh_client(app)
    replay.cookies.set("aula_session", first, domain="aula.test")
    assert replay.get("/api/account").json()["signed_in"] is False
    forged = fresh_client(app)
    forged.cookies.set("aula_session", first[:-3] + "AAA", domain="aula.test")
    response = forged.get("/api/account")
    assert response.json()["signed_in"] is False
    assert "aula_session=;" in response.headers.get("set-cookie", "")


def test_a_signed_in_learner_gets_no_resume_code(app: Starlette, client: TestClient) -> None:
    make_user(app, "ana@school.org")
    assert sign_in(client, "ana@school.org") == 303
    answer(client, "tk-runs-locally", "stable-diffusion")
    before = counts(app)
    response = client.post("/progress/resume-code", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 409 and "sign in on the other device" in response.text
    assert counts(app) == before


def test_joining_through_the_json_twin(app: Starlette, client: TestClient) -> None:
    make_user(app, "t1@school.org", "teacher")
    teacher = fresh_client(app)
    assert sign_in(teacher, "t1@school.org") == 303
    cohort = create_cohort(teacher, "Class A")
    headers = {"x-csrf-token": csrf_token(client)}
    before = counts(app)
    wrong = client.post("/api/cohorts/join", json={"code": "WRONG123"}, headers=headers)
    assert wrong.status_code == 404 and wrong.json()["error"]["fields"] == {"code": "unknown"}
    assert counts(app) == before
    assert client.post("/api/cohorts/join", json={"code": cohort["join_code"]}).status_code == 403
    first = client.post("/api/cohorts/join", json={"code": cohort["join_code"]}, headers=headers)
    assert first.json() == {"cohort": {"id": cohort["id"], "name": "Class A"}, "joined": True}
    again = client.post("/api/cohorts/join", json={"code": cohort["join_code"]}, headers=headers)
    assert again.json()["joined"] is False
    assert [c["name"] for c in client.get("/api/account").json()["cohorts"]] == ["Class A"]
