"""A teacher's cohort in a real browser: the teacher creates it, two learners join and answer
(one answers anonymously first and signs in after: nothing lost), and the dashboard shows
the matrix and the item analysis worked out by hand below."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from aula.content import Course, load_course
from aula.services.accounts import add_user
from aula.store import Store

from .conftest import assert_accessible, free_port, start_aula, stop_aula

PASSWORD = "correct horse battery staple"
SLIDE = "/lessons/open-vs-closed/slides/1"


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(run_snippets=False)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``aula serve`` on its own SQLite file, with accounts made as the CLI makes them."""
    base = tmp_path_factory.mktemp("teach")
    db = base / "aula.db"
    with Store.open(str(db)) as store:
        for email, role in (
            ("t@school.org", "teacher"),
            ("ana@school.org", "learner"),
            ("bob@school.org", "learner"),
        ):
            add_user(store, email, role, PASSWORD, 24)  # type: ignore[arg-type]
    port = free_port()
    env = {
        "AULA_DATA_DIR": str(base),
        "AULA_EMBEDDINGS": "off",
        "AULA_CACHE_DIR": str(tmp_path_factory.getbasetemp() / "cache"),
    }
    proc = start_aula(port, base / "server.log", env)
    yield f"http://127.0.0.1:{port}", db
    stop_aula(proc)


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".account-links")).to_contain_text(email)


def answer(page: Page, course: Course, right: bool) -> tuple[str, str]:
    """Answer the question the slide asks; (question id, the choice picked)."""
    form = page.locator("#check form.check")
    qid = form.get_attribute("data-question")
    assert qid
    question = course.question(qid)
    assert question is not None
    if right:
        picked = sorted(question.correct_ids)
    else:
        picked = [next(c.id for c in question.choices if not c.correct)]
    for choice in picked:
        form.locator(f'input[value="{choice}"]').check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#check .result")).to_be_visible()
    return qid, picked[0]


def test_a_cohort_from_creation_to_item_analysis(
    browser: Browser, served: tuple[str, Path], course: Course
) -> None:
    url, _db = served
    teacher = browser.new_context().new_page()
    sign_in(teacher, url, "t@school.org")
    teacher.goto(url + "/teach")
    teacher.get_by_label("Name (a class, a team)").fill("Class A")
    teacher.get_by_role("button", name="Create cohort").click()
    expect(teacher.locator("h1")).to_have_text("Class A")
    code = teacher.locator(".join-code").inner_text()
    assert len(code) == 8
    assert_accessible(teacher)

    # Ana signs in, joins by link, answers right first time.
    ana = browser.new_context().new_page()
    sign_in(ana, url, "ana@school.org")
    ana.goto(f"{url}/join/{code}")
    ana.get_by_role("button", name="Join").click()
    expect(ana.locator("#my-cohorts")).to_contain_text("Class A")
    ana.goto(url + SLIDE)
    question, _ = answer(ana, course, right=True)

    # Bob answers anonymously: wrong, then right; then signs in and joins.
    bob = browser.new_context().new_page()
    bob.goto(url + SLIDE)
    asked, wrong = answer(bob, course, right=False)
    assert asked == question
    bob.goto(url + SLIDE)
    again, _ = answer(bob, course, right=True)
    assert again == question, "a wrong answer keeps the question until it is answered right"
    sign_in(bob, url, "bob@school.org")
    exported = bob.request.get(url + "/api/progress/export").json()
    assert [(a["question_id"], a["correct"]) for a in exported["answers"]] == [
        (question, False),
        (question, True),
    ], "answering anonymously then signing in lost or doubled answers"
    bob.goto(url + "/join")
    bob.get_by_label("Join code").fill(code.lower())
    bob.get_by_role("button", name="Join").click()
    expect(bob.locator("#my-cohorts")).to_contain_text("Class A")

    # The dashboard: both learners in progress on the first skill, nothing further.
    teacher.reload()
    rows = teacher.locator("#matrix tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th")).to_have_text("ana@school.org")
    expect(rows.nth(1).locator("th")).to_have_text("bob@school.org")
    for i in range(2):
        expect(rows.nth(i).locator('td[data-node="two-kingdoms"]')).to_have_text("In progress")
        expect(rows.nth(i).locator('td[data-node="great-divide"]')).to_have_text("Not started")
    # Item analysis by hand: 2 learners; Ana right first, Bob wrong first -> 50%;
    # the wrong choice picked: Bob's (once); tries to right: Ana 1, Bob 2 -> 1.50;
    # discrimination undefined (no other question to measure ability on).
    teacher.get_by_role("link", name="Item analysis").click()
    row = teacher.locator(f'#items tr[data-question="{question}"]')
    expect(row.locator("td").nth(0)).to_have_text("2")
    expect(row.locator(".share")).to_have_text("50%")
    wrong_text = next(c.text.text for c in course.question(question).choices if c.id == wrong)  # type: ignore[union-attr]
    expect(row.locator("td").nth(2)).to_have_text(f"{wrong_text} (1)")
    expect(row.locator(".pbis")).to_have_text("—")
    expect(row.locator(".tries")).to_have_text("1.50")
    expect(teacher.locator("svg.dash-chart title")).to_have_text(
        "Share right on the first try, per question"
    )
    assert_accessible(teacher)
