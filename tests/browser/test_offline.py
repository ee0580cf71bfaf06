"""Offline in a real browser (Chromium with the context set offline): the lesson opened once
works offline, answers and slide views are queued and synced once when the connection is back,
also when two tabs answered the same question offline."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from aula.content import Course, load_course

from .conftest import free_port, start_aula

LESSON = "/lessons/open-vs-closed"


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(run_snippets=False)


def open_online(page: Page, server: str) -> None:
    """Open the lesson and wait until the service worker has kept it for offline use."""
    page.goto(f"{server}{LESSON}/slides/1")
    expect(page.locator("html[data-offline-ready]")).to_have_count(1, timeout=30_000)


def answer_offline(page: Page, course: Course, right: bool) -> str:
    form = page.locator("#check form.check")
    qid = form.get_attribute("data-question")
    assert qid
    question = course.question(qid)
    assert question is not None
    wanted = (
        question.correct_ids
        if right
        else [next(c.id for c in question.choices if c.id not in question.correct_ids)]
    )
    for choice in wanted:
        form.locator(f'input[value="{choice}"]').check()
    form.locator("button[type=submit]").click()
    expect(form.locator(".offline-note")).to_contain_text("Saved offline, will sync")
    # Graded on the server only: no verdict is shown offline.
    expect(form.locator(".result")).to_have_count(0)
    expect(page.locator("#sync-status")).to_contain_text("Saved offline, will sync")
    return qid


def answers_to(context: BrowserContext, server: str, question_id: str) -> list[dict[str, Any]]:
    """The learner's stored answers to the question (the context's cookie is the learner)."""
    exported = context.request.get(f"{server}/api/progress/export").json()
    return [a for a in exported["answers"] if a["question_id"] == question_id]


def test_a_lesson_opened_once_works_offline_and_syncs_once(
    context: BrowserContext, page: Page, server: str, course: Course
) -> None:
    open_online(page, server)
    context.set_offline(True)

    page.goto(f"{server}{LESSON}/slides/5")
    page.reload()
    expect(page.locator("h1, h2").first).to_be_visible()
    assert "/slides/5" in page.url
    expect(page.locator(".player")).to_have_attribute("data-slide", "5")

    page.goto(f"{server}{LESSON}/slides/1")
    qid = answer_offline(page, course, right=True)

    page.goto(f"{server}/glossary")
    expect(page.locator("[id^=term-]").first).to_be_visible()

    page.goto(f"{server}/instructor")
    page.fill("#ask-q", "What is a LoRA?")
    page.click(".ask-form button[type=submit]")
    expect(page.locator(".ask-answer .offline-note")).to_contain_text("answers are simpler")
    expect(page.locator(".ask-answer .offline-answers a").first).to_have_attribute(
        "href", "/glossary#term-lora"
    )

    context.set_offline(False)  # the page hears "online" and syncs (so does the next load)
    expect(page.locator("#sync-status")).to_contain_text("Synced")
    stored = answers_to(context, server, qid)
    assert len(stored) == 1 and stored[0]["correct"] is True

    page.reload()  # nothing is left to send: still one answer
    page.wait_for_load_state("networkidle")
    assert len(answers_to(context, server, qid)) == 1


def test_two_offline_tabs_answering_one_question_sync_each_answer_once(
    context: BrowserContext, page: Page, server: str, course: Course
) -> None:
    open_online(page, server)
    other = context.new_page()
    other.set_default_timeout(10_000)
    other.goto(f"{server}{LESSON}/slides/1")
    context.set_offline(True)

    qid = answer_offline(page, course, right=False)
    assert answer_offline(other, course, right=True) == qid

    context.set_offline(False)  # both tabs hear "online" and sync at once
    expect(page.locator("#sync-status")).to_contain_text("Synced")
    expect(other.locator("#sync-status")).to_contain_text("Synced")
    stored = answers_to(context, server, qid)
    assert sorted(a["attempt"] for a in stored) == [1, 2]
    assert sorted(a["correct"] for a in stored) == [False, True]


def start_server(course: Path, port: int, data: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {"AULA_DATA_DIR": str(data), "AULA_EMBEDDINGS": "off"}
    return start_aula(port, log, env, str(course))


def cache_names(page: Page) -> list[str]:
    names: list[str] = page.evaluate("caches.keys()")
    return names


def test_a_new_course_version_replaces_the_cache_and_refuses_old_answers(
    context: BrowserContext, page: Page, mini_course: Path, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data, log = tmp_path / "data", tmp_path / "server.log"
    proc = start_server(mini_course, port, data, log)
    try:
        page.goto(f"{url}/lessons/basics/slides/1")
        expect(page.locator("html[data-offline-ready]")).to_have_count(1, timeout=30_000)
        old = page.locator('meta[name="aula-version"]').get_attribute("content")
        assert cache_names(page) == [f"aula-{old}"]

        context.set_offline(True)
        form = page.locator("#check form.check")
        form.locator('input[value="b"]').check()
        form.locator("button[type=submit]").click()
        expect(form.locator(".offline-note")).to_contain_text("Saved offline, will sync")

        # The author publishes a new version while the learner is away.
        proc.terminate()
        proc.wait(timeout=20)
        slide = mini_course / "lessons" / "basics" / "slides" / "01-hello.md"
        slide.write_text(slide.read_text().replace("The first slide.", "The first slide, revised."))
        proc = start_server(mini_course, port, data, log)

        context.set_offline(False)
        status = page.locator("#sync-status")
        expect(status).to_contain_text("Not synced")
        expect(status).to_contain_text("The course has changed since this was saved offline")

        page.goto(f"{url}/lessons/basics/slides/1")
        new = page.locator('meta[name="aula-version"]').get_attribute("content")
        assert new and new != old
        page.wait_for_function(
            "v => caches.keys().then(k => k.length === 1 && k[0] === 'aula-' + v)", arg=new
        )
        exported = page.request.get(f"{url}/api/progress/export").json()
        assert exported["answers"] == []
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_background_sync_sends_the_queue_with_no_page_open(
    context: BrowserContext, page: Page, server: str, course: Course
) -> None:
    """Chromium's Background Sync: the worker sends the queue itself (the event is fired
    through the DevTools protocol, as the browser would on reconnecting)."""
    cdp = context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    open_online(page, server)
    context.set_offline(True)
    qid = answer_offline(page, course, right=True)
    page.goto("about:blank")  # no Aula page is left to sync on "online"
    context.set_offline(False)
    assert answers_to(context, server, qid) == []

    ours = [r for r in registrations if r["scopeURL"].startswith(server) and not r["isDeleted"]]
    assert ours, registrations
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": server,
            "registrationId": ours[-1]["registrationId"],
            "tag": "aula-sync",
            "lastChance": False,
        },
    )
    deadline = time.monotonic() + 15
    while not (stored := answers_to(context, server, qid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(stored) == 1 and stored[0]["correct"] is True


def test_chromium_finds_the_app_installable(
    context: BrowserContext, page: Page, server: str
) -> None:
    open_online(page, server)
    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito ones, where nothing is installable; nothing else is
    # missing (a missing icon, start_url or service worker would be listed here).
    assert [e["errorId"] for e in errors] == ["in-incognito"]
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest.get("errors"), manifest


def test_a_term_review_rated_offline_syncs_once(
    context: BrowserContext, page: Page, server: str
) -> None:
    open_online(page, server)  # slide 1's terms are met: they can be practised now
    page.goto(f"{server}/review")
    page.locator(".practice-list a[href*='practice=term:']").first.click()
    term = page.locator("form.ratings").get_attribute("data-term")
    assert term
    context.set_offline(True)  # the connection drops while the card is shown
    page.get_by_role("button", name="Good").click()
    expect(page.locator("#sync-status")).to_contain_text("Saved offline, will sync")

    context.set_offline(False)
    expect(page.locator("#sync-status")).to_contain_text("Synced")
    exported = context.request.get(f"{server}/api/progress/export").json()
    assert [(r["id"], r["rating"]) for r in exported["reviews"]] == [(term, 3)]


LONG_QUEUE = """async () => {
  const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
  const lesson = document.querySelector(".player").dataset.lesson;
  const base = { kind: "view", version: meta("aula-version"), token: meta("csrf-token"), lesson_id: lesson };
  for (let i = 0; i < 150; i++) await AulaQueue.add({ ...base, slide: 1 + (i % 7) });
  await AulaQueue.add({ ...base, slide: 1, token: "f".repeat(64) });  // tampered: not this learner's
  const message = await AulaQueue.sync(meta("aula-session"), meta("aula-sync"));
  return {
    statuses: message.results.map((r) => r.status),
    reason: message.results.at(-1).reason,
    left: await AulaQueue.size(),
  };
}"""


def test_a_long_queue_syncs_in_batches_and_a_tampered_write_is_refused(
    page: Page, server: str
) -> None:
    """150 writes are more than one request body may hold: they go in batches, each once."""
    page.goto(f"{server}{LESSON}/slides/1")
    outcome = page.evaluate(LONG_QUEUE)
    assert outcome["statuses"] == ["applied"] * 150 + ["rejected"]
    assert "another learner" in outcome["reason"]
    assert outcome["left"] == 0
