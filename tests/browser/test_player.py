"""A learner goes through the built-in lesson in a real browser, with keyboard and mouse."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from .conftest import assert_accessible

LESSON = "/lessons/open-vs-closed"


def test_walk_the_lesson_answer_search_and_come_back(page: Page, server: str) -> None:
    page.goto(server + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sintetografía Avanzada")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("^Start")).click()
    expect(page).to_have_url(re.compile(r"/slides/1$"))
    expect(page.locator(".counter")).to_have_text("1 / 7")
    expect(page.locator(".editor-tab")).to_contain_text("models_comparison.py")
    assert_accessible(page)

    # Walk the seven slides with the keyboard.
    for number in range(2, 8):
        page.keyboard.press("ArrowRight")
        expect(page).to_have_url(re.compile(rf"/slides/{number}$"))
        expect(page.locator(".counter")).to_have_text(f"{number} / 7")
    page.keyboard.press("ArrowRight")  # nothing after the last slide
    expect(page).to_have_url(re.compile(r"/slides/7$"))
    page.keyboard.press("ArrowLeft")
    expect(page).to_have_url(re.compile(r"/slides/6$"))

    # Terminal / Code toggle, in place. Slide 1 opens on the Terminal: its text talks of it.
    page.goto(server + LESSON + "/slides/1")
    terminal = page.locator("#editor .pane-terminal")
    code = page.locator("#editor .pane-code")
    expect(terminal).to_be_visible()
    expect(code).to_be_hidden()
    expect(terminal).to_contain_text("$ python models_comparison.py")
    expect(terminal).to_contain_text("Midjourney")
    page.locator("#editor").get_by_role("link", name="Code").click()
    expect(code).to_be_visible()
    expect(terminal).to_be_hidden()
    assert_accessible(page)
    page.locator("#editor").get_by_role("link", name="Terminal").click()
    expect(terminal).to_be_visible()

    # The seed's knowledge check: wrong, then right.
    page.goto(server + LESSON + "/slides/2")
    check = page.locator("form.check").first
    expect(check).to_contain_text("Which model runs entirely on your own computer's hardware?")
    check.get_by_label("Midjourney").check()
    check.get_by_role("button", name="Check answer").click()
    expect(check.locator(".result")).to_contain_text("Not quite.")
    expect(check.locator(".explanation")).to_be_visible()
    assert_accessible(page)
    check.get_by_label("Stable Diffusion").check()
    check.get_by_role("button", name="Try again").click()
    expect(check.locator(".result")).to_contain_text("Correct!")

    # The glossary and its search.
    page.goto(server + "/glossary")
    expect(page.locator(".term:visible")).to_have_count(page.locator(".term").count())
    page.get_by_label("Search terms").fill("vram")
    expect(page.locator("#term-vram")).to_be_visible()
    expect(page.locator("#term-weights")).to_be_hidden()
    expect(page.locator("#glossary-count")).to_contain_text("match “vram”")
    assert_accessible(page)

    # Tomorrow: the progress is still there.
    page.goto(server + "/")
    page.reload()
    expect(page.locator(".lesson-card")).to_contain_text("7 of 7 slides seen")
    page.goto(server + LESSON)
    expect(page).to_have_url(re.compile(r"/slides/2$"))  # the last slide visited
    answered = page.locator("form.check").first
    expect(answered).not_to_contain_text("Which model runs entirely on your own computer")


def test_everything_works_without_javascript(browser: Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + LESSON + "/slides/2")
    check = page.locator("form.check").first
    check.get_by_label("DALL-E 3").check()
    check.get_by_role("button", name="Check answer").click()
    expect(page).to_have_url(re.compile(r"/slides/2\?answer=\d+#check$"))
    expect(page.locator(".result")).to_contain_text("Not quite.")
    page.locator("#editor").get_by_role("link", name="Terminal").click()
    expect(page.locator("#editor .pane-terminal")).to_be_visible()
    page.locator(".player-bar").get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile(r"/slides/3"))
    page.goto(server + "/glossary")
    page.get_by_label("Search terms").fill("saas")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#term-saas")).to_be_visible()
    expect(page.locator("#term-vram")).to_be_hidden()
    context.close()


def test_phone_layout_has_no_sideways_scroll(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    for path in ["/", LESSON + "/slides/1", "/glossary", LESSON + "/nodes/two-kingdoms"]:
        page.goto(server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        assert_accessible(page)
    context.close()
