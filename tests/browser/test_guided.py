"""The guided lesson in a real browser, at 1280 and 360 px, with JavaScript on and off: read it
straight through answering what is asked, see the unlock moment, reach the summary; dark
mode; resume in a second browser; visible focus; no sideways scroll on any page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from aula.content import Course, load_course

from .conftest import assert_accessible

LESSON = "/lessons/open-vs-closed"
SIZES = {"desktop": (1280, 900), "phone": (360, 740)}


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(run_snippets=False)


def new_context(browser: Browser, size: str, js: bool, **extra: object) -> BrowserContext:
    width, height = SIZES[size]
    return browser.new_context(
        viewport={"width": width, "height": height},
        java_script_enabled=js,
        is_mobile=size == "phone",
        has_touch=size == "phone",
        **extra,  # type: ignore[arg-type]
    )


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def answer_right(page: Page, course: Course) -> None:
    form = page.locator("#check form.check")
    qid = form.get_attribute("data-question")
    assert qid
    question = course.question(qid)
    assert question is not None
    for choice in question.correct_ids:
        form.locator(f'input[value="{choice}"]').check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#check .result")).to_contain_text("Correct!")


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_read_straight_through_to_the_summary(
    browser: Browser, server: str, course: Course, size: str, js: bool
) -> None:
    context = new_context(browser, size, js)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(server + LESSON)
    moments: list[str] = []
    # axe needs JavaScript in the page; every slide's state is scanned on the phone, where
    # layouts break first, and the summary at both sizes.
    scan = js and size == "phone"
    for number in range(1, 8):
        expect(page).to_have_url(re.compile(rf"/slides/{number}(\?|#|$)"))
        expect(page.locator(".bar-counter")).to_have_text(f"{number} of 7")
        assert page.locator("#check .locked").count() == 0, f"slide {number} is a dead end"
        no_sideways_scroll(page)
        for _ in range(8):  # answer what is asked until the node is mastered
            if page.locator("#check form.check").count() == 0:
                break
            answer_right(page, course)
            moment = page.locator("#check .moment")
            if moment.count():
                moments.append(moment.inner_text())
                break
            page.locator("#check").get_by_role("link", name=re.compile("Next question")).click()
            expect(page.locator("#check .result")).to_have_count(0)  # the next question is in
        if scan:
            assert_accessible(page)
        bar = page.locator(".player-bar")
        expect(bar).to_be_visible()  # sticky: in reach wherever the learner scrolled
        bar.get_by_role("button", name=re.compile("Next|Finish")).click()
    expect(page).to_have_url(re.compile(r"/summary$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson complete")
    expect(page.locator(".summary-stats")).to_contain_text("6 of 6")
    no_sideways_scroll(page)
    if js:
        assert_accessible(page)
    assert any(
        "Mastered: The Two Kingdoms" in m and "Unlocked: The Great Divide" in m for m in moments
    ), moments
    assert len(moments) == 6
    context.close()


def test_a_locked_slide_points_to_what_opens_it(browser: Browser, server: str) -> None:
    context = new_context(browser, "phone", True)
    page = context.new_page()
    page.goto(server + LESSON + "/slides/5")
    expect(page.locator(".slide h2")).to_contain_text("The Open Frontier")  # readable
    expect(page.locator("#check .locked")).to_contain_text("This check opens when you master")
    page.locator("#check").get_by_role("link", name=re.compile("first, on slide 1")).click()
    expect(page).to_have_url(re.compile(r"/slides/1#check$"))
    expect(page.locator("#check form.check")).to_be_visible()
    assert_accessible(page)
    context.close()


def test_dark_mode_follows_the_system_and_the_toggle_is_remembered(
    browser: Browser, server: str
) -> None:
    context = new_context(browser, "desktop", True, color_scheme="dark")
    page = context.new_page()
    page.goto(server + LESSON + "/slides/3")
    background = "getComputedStyle(document.body).backgroundColor"
    dark = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert dark != "rgb(244, 246, 248)", dark
    assert_accessible(page)
    toggle = page.locator(".theme-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    toggle.click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    page.wait_for_timeout(300)  # the cookie is set by the toggle's request
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == (
        "rgb(244, 246, 248)"
    )
    assert page.evaluate(background) is not None
    # without JS the toggle is a form, and the choice sticks too
    plain = new_context(browser, "phone", False)
    p2 = plain.new_page()
    p2.goto(server + "/glossary")
    p2.locator(".theme-toggle").click()
    expect(p2).to_have_url(re.compile(r"/glossary$"))
    expect(p2.locator("html")).to_have_attribute("data-theme", "dark")
    plain.close()
    context.close()


def test_focus_is_visible_on_every_control(browser: Browser, server: str) -> None:
    context = new_context(browser, "desktop", True)
    page = context.new_page()
    page.goto(server + LESSON + "/slides/1")
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        ring = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el || el === document.body) return null;
              const target = el.matches('input') ? el.closest('label') || el : el;
              const own = getComputedStyle(el), box = getComputedStyle(target);
              const style = own.outlineStyle !== 'none' ? own : box;
              return {tag: el.tagName + '.' + el.className, style: style.outlineStyle,
                      width: parseFloat(style.outlineWidth)};
            }"""
        )
        if ring is None:
            continue
        seen += 1
        assert ring["style"] != "none" and ring["width"] >= 2, ring
    assert seen >= 20
    context.close()


def test_resume_in_a_second_browser(browser: Browser, server: str, course: Course) -> None:
    first = new_context(browser, "desktop", True)
    a = first.new_page()
    a.goto(server + LESSON + "/slides/1")
    answer_right(a, course)
    a.goto(server + "/progress")
    a.get_by_role("button", name="Get a resume code").click()
    code = a.locator(".code-box").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert_accessible(a)

    second = new_context(browser, "phone", False)
    b = second.new_page()
    b.goto(server + "/progress")
    b.get_by_label("Resume code").fill(code)
    b.get_by_role("button", name="Continue here").click()
    expect(b.locator(".notice")).to_contain_text("Your progress is here now")
    expect(b.locator(".lesson-card")).to_contain_text("1 of 7 slides seen")
    # the old browser starts afresh; the code does not work twice
    a.goto(server + "/")
    expect(a.locator(".lesson-card")).to_contain_text("0 of 7 slides seen")
    b.goto(server + "/progress")
    b.get_by_label("Resume code").fill(code)
    b.get_by_role("button", name="Continue here").click()
    expect(b.locator("main")).to_contain_text("already used")
    first.close()
    second.close()


PAGES = [
    "/",
    *[f"{LESSON}/slides/{n}" for n in range(1, 8)],
    f"{LESSON}/summary",
    f"{LESSON}/skills",
    f"{LESSON}/nodes/two-kingdoms",
    "/review",
    "/progress",
    "/glossary",
    "/instructor",
    "/about",
    "/labs",
]


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_no_page_scrolls_sideways_on_a_phone(browser: Browser, server: str, js: bool) -> None:
    context = new_context(browser, "phone", js)
    page = context.new_page()
    for path in PAGES:
        page.goto(server + path)
        no_sideways_scroll(page)
    context.close()


def test_a_swipe_moves_between_slides(browser: Browser, server: str) -> None:
    context = new_context(browser, "phone", True)
    page = context.new_page()
    page.goto(server + LESSON + "/slides/3")
    cdp = context.new_cdp_session(page)
    box = page.locator(".slide h2").bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2

    def swipe(start: float, end: float) -> None:
        for kind, x in (("touchStart", start), ("touchMove", end), ("touchEnd", end)):
            points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    swipe(300, 60)  # right to left: the next slide
    expect(page).to_have_url(re.compile(r"/slides/4$"))
    # The URL changes before the new page's scripts run: swipe only once they listen.
    page.wait_for_load_state("load")
    swipe(60, 300)  # left to right: back
    expect(page).to_have_url(re.compile(r"/slides/3$"))
    context.close()
