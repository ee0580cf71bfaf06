"""Does a page cost more for a learner with a long history, or a course with many lessons?

Issue 11's targets: the slide page for a learner with 10,000 answers within 1.5x of a new
learner's; the home page with 100 lessons within 2x of one lesson. In-process over ASGI (the
cost is the application's, not the network's), SQLite file, sequential requests, medians.

Baselines in the same run: a learner with 10 answers on the same page (a new learner is
shown too: their untouched state is cached, so they are cheaper still); the same course
with one lesson.

    .venv/bin/python bench/history.py [--answers 10000] [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from aula.content import Course, load_course
from aula.services.answers import answer_question
from aula.settings import Settings
from aula.store import Store
from aula.web.app import Aula, create_app
from aula.web.identity import Identity

MINI = Path(__file__).parent.parent / "tests" / "fixtures" / "mini-course"
SECRET = "bench"


async def median_ms(app: object, path: str, learner: str | None, n: int) -> float:
    identity = Identity(SECRET)
    cookies = {"aula_learner": identity.sign(learner)} if learner else {}
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(
        transport=transport, base_url="http://aula.bench", cookies=cookies
    ) as client:
        (await client.get(path)).raise_for_status()
        times = []
        for _ in range(n):
            start = time.perf_counter()
            (await client.get(path)).raise_for_status()
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def long_history(store: Store, course: Course, learner: str, answers: int) -> None:
    """``answers`` answers: all but the last stored directly, the last through the service
    (which folds them all into the learner's snapshot, as a real answer would)."""
    rng = random.Random(0)
    lesson = course.lessons[0]
    questions = [q for node in lesson.skill_tree.nodes for q in node.questions]
    for _ in range(answers - 1):
        q = rng.choice(questions)
        store.record_answer(learner, lesson.id, q.node, q.id, [q.choices[0].id], False)
    q = questions[0]
    answer_question(store, course, learner, q, [q.choices[0].id])


def course_with_lessons(folder: Path, count: int) -> Path:
    """The mini course with its lesson copied ``count`` times (question ids made unique)."""
    target = folder / f"course-{count}"
    shutil.copytree(MINI, target)
    basics = target / "lessons" / "basics"
    ids = []
    for i in range(1, count):
        copy = target / "lessons" / f"basics-{i}"
        shutil.copytree(basics, copy)
        for node in (copy / "nodes").glob("*.yaml"):
            node.write_text(re.sub(r"id: q-", f"id: q{i}-", node.read_text()))
        ids.append(f"basics-{i}")
    course_yaml = target / "course.yaml"
    text = course_yaml.read_text().replace(
        "lessons: [basics]", f"lessons: [{', '.join(['basics', *ids])}]"
    )
    course_yaml.write_text(text)
    return target


def app_for(course: Course, db: Path) -> tuple[object, Store]:
    store = Store.open(str(db))
    return create_app(Aula(Settings(embeddings="off"), course, store, Identity(SECRET))), store


async def main(answers: int, n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_text:
        tmp = Path(tmp_text)
        course = load_course()
        app, store = app_for(course, tmp / "history.db")
        started = time.perf_counter()
        long_history(store, course, "veteran", answers)
        setup = time.perf_counter() - started
        long_history(store, course, "regular", 10)
        slide = "/lessons/open-vs-closed/slides/2"
        new = await median_ms(app, slide, "newcomer", n)
        regular = await median_ms(app, slide, "regular", n)
        old = await median_ms(app, slide, "veteran", n)
        store.close()

        one = load_course(course_with_lessons(tmp, 1))
        many = load_course(course_with_lessons(tmp, 100))
        app1, store1 = app_for(one, tmp / "one.db")
        app100, store100 = app_for(many, tmp / "many.db")
        home1 = await median_ms(app1, "/", "someone", n)
        home100 = await median_ms(app100, "/", "someone", n)
        store1.close()
        store100.close()

    print(f"median of {n} sequential requests, in-process ASGI, SQLite file")
    print(f"(stored {answers} answers in {setup:.1f} s)")
    print(f"{'slide page, new learner':44} {new:7.2f} ms  {new / regular:5.2f}x")
    print(f"{'slide page, learner with 10 answers (baseline)':44} {regular:7.2f} ms")
    print(
        f"{f'slide page, learner with {answers} answers':44} {old:7.2f} ms  {old / regular:5.2f}x"
    )
    print(f"{'home, course with 1 lesson (baseline)':44} {home1:7.2f} ms")
    print(f"{'home, course with 100 lessons':44} {home100:7.2f} ms  {home100 / home1:5.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.answers, args.requests))
