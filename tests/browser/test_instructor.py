"""The instructor panel in the player, and the explanation after a wrong answer."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import assert_accessible


def test_ask_the_panel_and_follow_a_source(page: Page, server: str) -> None:
    page.goto(server + "/lessons/open-vs-closed/slides/1")
    panel = page.locator("#ask")
    panel.get_by_label("Your question, in English or Spanish").fill("What is a LoRA?")
    panel.get_by_role("button", name="Ask").click()
    answer = panel.locator(".answer")
    expect(answer).to_contain_text("From the course:")
    expect(answer.locator(".backend-badge")).to_contain_text("your question stayed on this machine")
    assert_accessible(page)
    answer.get_by_role("link", name="Glossary: LoRA").click()
    expect(page).to_have_url(f"{server}/glossary#term-lora")


def test_a_question_the_course_does_not_cover(page: Page, server: str) -> None:
    page.goto(server + "/instructor")
    page.get_by_label("Your question, in English or Spanish").fill("What's the capital of France?")
    page.get_by_role("button", name="Ask").click()
    expect(page.locator(".answer.not-covered")).to_be_visible()
    expect(page.locator(".answer-sources")).to_have_count(0)
    assert_accessible(page)


def test_explain_after_a_wrong_answer(page: Page, server: str) -> None:
    page.goto(server + "/lessons/open-vs-closed/slides/2")
    check = page.locator("form.check").first
    check.get_by_label("Midjourney").check()
    check.get_by_role("button", name="Check answer").click()
    expect(check.locator(".result")).to_contain_text("Not quite.")
    page.get_by_role("button", name="Ask the instructor to explain").click()
    expect(page.locator(".explain-form .answer")).to_contain_text("From the course:")
    assert_accessible(page)
