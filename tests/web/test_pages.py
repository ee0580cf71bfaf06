"""Every page renders for a learner, and shows what the course holds."""

from __future__ import annotations

import html

from starlette.testclient import TestClient

from aula.content import Course

from .conftest import view_slide


def test_home_shows_course_lessons_and_progress(client: TestClient, course: Course) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "<h1>Sintetografía Avanzada</h1>" in page.text
    assert "Open Source vs Closed Models" in page.text
    assert "0 of 7 slides seen" in page.text


def test_lesson_link_goes_to_the_current_slide(client: TestClient) -> None:
    first = client.get("/lessons/open-vs-closed")
    assert first.status_code == 303
    assert first.headers["location"] == "/lessons/open-vs-closed/slides/1"
    client.get("/lessons/open-vs-closed/slides/4")  # reading alone records nothing
    assert client.get("/lessons/open-vs-closed").headers["location"].endswith("/slides/1")
    view_slide(client, 4)
    assert client.get("/lessons/open-vs-closed").headers["location"].endswith("/slides/4")


def test_slide_player_has_tab_counter_code_and_real_terminal_output(
    client: TestClient, course: Course
) -> None:
    page = client.get("/lessons/open-vs-closed/slides/1")
    assert page.status_code == 200
    slide = course.lessons[0].slides[0]
    assert slide.code is not None
    assert slide.code.output is not None
    assert "models_comparison.py" in page.text
    assert '<span class="counter" aria-live="polite">1 / 7</span>' in page.text
    assert "🏰" in page.text
    assert "🏕️" in page.text
    first_line = slide.code.output.stdout.splitlines()[0]
    assert html.escape(first_line, quote=False) in page.text
    assert 'rel="next"' in page.text
    assert 'rel="prev"' not in page.text
    assert "In the world of Generative AI, there are two main kingdoms" in page.text


def test_terminal_view_is_a_link_that_works_without_javascript(client: TestClient) -> None:
    code_view = client.get("/lessons/open-vs-closed/slides/1")
    terminal_view = client.get("/lessons/open-vs-closed/slides/1?view=terminal")
    assert '<div class="pane pane-terminal" hidden>' in code_view.text
    assert '<div class="pane pane-code" hidden>' in terminal_view.text
    assert 'href="/lessons/open-vs-closed/slides/1?view=terminal#editor"' in code_view.text


def test_last_slide_has_no_next(client: TestClient) -> None:
    page = client.get("/lessons/open-vs-closed/slides/7")
    assert '<span class="counter" aria-live="polite">7 / 7</span>' in page.text
    assert 'rel="next"' not in page.text
    assert 'rel="prev"' in page.text


def test_knowledge_check_of_the_seed_is_on_the_two_kingdoms_slides(client: TestClient) -> None:
    page = client.get("/lessons/open-vs-closed/slides/2")
    assert "Knowledge Check" in page.text
    assert "Which model runs entirely on your own computer's hardware?" in page.text
    assert 'type="radio" name="choice"' in page.text


def test_instructor_section_and_comparison_cards(client: TestClient) -> None:
    page = client.get("/lessons/open-vs-closed/slides/1").text
    assert "The Great Divide: Convenience vs. Control" in page
    assert "AI Instructor" in page
    assert "Closed Source Limits" in page
    assert "Open Source Freedom" in page
    assert "Privacy and IP" in page


def test_glossary_lists_every_term_with_snippet_and_analogy(
    client: TestClient, course: Course
) -> None:
    page = client.get("/glossary").text
    for term in course.glossary:
        assert f'id="term-{term.id}"' in page
    assert "File Size: 6GB+" in page
    assert '<progress max="1" value="0.8"' in page
    assert "Generating..." in page
    assert "Monthly Bill" in page
    assert "concept.py" in page


def test_glossary_search_filters_without_javascript(client: TestClient) -> None:
    page = client.get("/glossary", params={"q": "vram"}).text
    assert "match “vram”" in page
    assert 'id="term-vram" data-search=' in page
    hidden_weights = page.split('id="term-weights"', 1)[1].split(">", 1)[0]
    assert "hidden" in hidden_weights


def test_glossary_search_ignores_accents_and_case(client: TestClient) -> None:
    def found(query: str) -> list[str]:
        return [t["id"] for t in client.get("/api/glossary", params={"q": query}).json()["terms"]]

    plain = found("inference")
    assert plain[0] == "inference"
    assert found("ÍNFERENCE") == plain
    assert len(plain) < len(found(""))
    page = client.get("/glossary", params={"q": "Ínference"}).text
    visible = page.split('id="term-inference"', 1)[1].split(">", 1)[0]
    assert "hidden" not in visible


def test_node_page_lists_its_slides_and_every_check(client: TestClient, course: Course) -> None:
    node = course.lessons[0].skill_tree.nodes[0]
    page = client.get(f"/lessons/open-vs-closed/nodes/{node.id}").text
    assert node.title in page
    for question in node.questions:
        assert f'id="question-{question.id}"' in page


def test_about_page_says_where_data_goes(client: TestClient) -> None:
    page = client.get("/about").text
    assert "nothing you read, answer or ask leaves it" in page
    assert "Erase my progress" in page


def test_unknown_pages_are_404_pages_not_tracebacks(client: TestClient) -> None:
    for url, message in [
        ("/nowhere", "Not Found"),
        ("/lessons/nope", "There is no lesson &#39;nope&#39;"),
        ("/lessons/open-vs-closed/slides/0", "has slides 1 to 7, not 0"),
        ("/lessons/open-vs-closed/slides/8", "has slides 1 to 7, not 8"),
        ("/lessons/open-vs-closed/nodes/nope", "no skill-tree node &#39;nope&#39;"),
    ]:
        page = client.get(url)
        assert page.status_code == 404, url
        assert message in page.text, url
        assert "Traceback" not in page.text
        assert "<html" in page.text


def test_security_headers_on_every_page(client: TestClient) -> None:
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "default-src 'self'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"


def test_static_assets_are_served_by_aula(client: TestClient) -> None:
    page = client.get("/").text
    assert 'src="/static/aula.js?v=' in page
    assert "http://" not in page.split("<body", 1)[0].replace('content="', "")
    assert client.get("/static/aula.js").status_code == 200
    assert client.get("/static/aula.css").status_code == 200
