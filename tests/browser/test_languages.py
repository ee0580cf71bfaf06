"""Aula in Spanish and in English in a real browser: Accept-Language, the switcher, with and
without JavaScript, and no axe violations in either language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

LESSON = "/lessons/open-vs-closed"
PAGES = (
    "/",
    LESSON + "/slides/2",
    LESSON + "/skills",
    LESSON + "/nodes/two-kingdoms",
    "/glossary",
    "/review",
    "/progress",
    "/instructor",
    "/labs",
    "/labs/vram",
    "/labs/cost",
    "/labs/compare",
    "/about",
)


def spanish_page(browser: Browser, *, javascript: bool = True) -> Page:
    """A browser whose language is Spanish: it sends Accept-Language: es-ES."""
    context = browser.new_context(locale="es-ES", java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_a_spanish_browser_gets_spanish_and_can_switch(browser: Browser, server: str) -> None:
    page = spanish_page(browser)
    page.goto(server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Glosario")).to_be_visible()
    expect(page.locator(".lesson-card h3")).to_have_text("Código abierto frente a modelos cerrados")
    expect(page.locator('link[rel="alternate"][hreflang="en"]')).to_have_attribute(
        "href", "/?lang=en"
    )

    # A wrong answer, answered in place by aula.js: the verdict and the feedback in Spanish.
    page.goto(server + LESSON + "/slides/2")
    check = page.locator("form.check").first
    check.get_by_label("DALL·E 3").check()
    check.get_by_role("button", name="Comprobar respuesta").click()
    expect(page.locator(".result")).to_contain_text("No exactamente.")

    # The glossary's filter counts in Spanish too (its words come from the page's catalog).
    page.goto(server + "/glossary")
    page.get_by_label("Buscar términos").fill("vram")
    expect(page.locator("#glossary-count")).to_have_text(re.compile(r"coincide"))

    # The switcher: English from now on, remembered by a cookie, on the same page.
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(server + "/glossary")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    page.goto(server + LESSON + "/slides/2")
    expect(page.locator("#slide-title")).to_contain_text("The Two Kingdoms")
    assert_accessible(page)
    page.context.close()


def test_spanish_without_javascript(browser: Browser, server: str) -> None:
    page = spanish_page(browser, javascript=False)
    page.goto(server + LESSON + "/slides/2")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check = page.locator("form.check").first
    check.get_by_label("DALL·E 3").check()
    check.get_by_role("button", name="Comprobar respuesta").click()
    expect(page).to_have_url(re.compile(r"/slides/2\?answer=\d+#check$"))
    expect(page.locator(".result")).to_contain_text("No exactamente.")
    page.locator(".player-bar").get_by_role("button", name="Siguiente").click()
    expect(page).to_have_url(re.compile(r"/slides/3"))

    # The switcher is a plain form: it works without JavaScript too.
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/slides/3$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".player-bar")).to_contain_text("Next")
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.context.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_axe_violations_in_either_language(browser: Browser, server: str, lang: str) -> None:
    page = spanish_page(browser) if lang == "es" else browser.new_page(locale="en-US")
    for path in PAGES:
        page.goto(server + path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        assert_accessible(page)
    page.context.close()
