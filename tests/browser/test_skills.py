"""A learner masters "The Two Kingdoms" in the browser and sees the next node unlock."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from aula.content import load_course
from aula.learning import mastery_rule

from .conftest import assert_accessible


def test_master_the_two_kingdoms_and_unlock_the_great_divide(page: Page, server: str) -> None:
    course = load_course()
    node = course.lessons[0].skill_tree.node("two-kingdoms")
    assert node is not None

    page.goto(server + "/lessons/open-vs-closed/skills")
    great_divide = page.locator('svg a[href="/lessons/open-vs-closed/nodes/great-divide"]')
    expect(great_divide).to_have_attribute(
        "aria-label",
        "The Great Divide: Convenience vs. Control: locked. Master The Two Kingdoms to unlock it.",
    )
    assert_accessible(page)

    page.goto(server + "/lessons/open-vs-closed/nodes/two-kingdoms")
    assert_accessible(page)
    for question in node.questions:
        form = page.locator(f"#question-{question.id}")
        for choice in question.choices:
            if choice.correct:
                form.locator(f'input[value="{choice.id}"]').check()
        form.get_by_role("button", name="Check answer").click()
        expect(form.locator(".result")).to_contain_text("Correct!")

    page.goto(server + "/lessons/open-vs-closed/skills")
    two_kingdoms = page.locator('svg a[href="/lessons/open-vs-closed/nodes/two-kingdoms"]')
    expect(two_kingdoms).to_have_attribute("aria-label", "The Two Kingdoms: mastered")
    divide = course.lessons[0].skill_tree.node("great-divide")
    assert divide is not None
    rule = mastery_rule(divide, course.mastery_threshold)
    expect(great_divide).to_have_attribute("aria-label", f"{divide.title}: available. {rule}")
    expect(page.locator("#node-great-divide .state")).to_have_text("Available")
    assert_accessible(page)

    great_divide.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The Great Divide: Convenience vs. Control"
    )
    expect(page.locator("form.check")).to_have_count(3)

    page.goto(server + "/review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review")
    assert_accessible(page)
