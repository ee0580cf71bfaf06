"""The index is built once and cached on disk; embeddings are reused per text."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from aula.content import load_course
from aula.instructor import Instructor
from aula.instructor import index as ix
from aula.instructor.embeddings import Vectors

from .conftest import OFFLINE


class CountingEmbedder:
    """A stand-in for e5: deterministic vectors from the text, and a count of what it embeds."""

    name = "counting"
    key = "counting-v1"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def _vector(self, text: str) -> Vectors:
        rng = np.random.default_rng(sum(text.encode()))
        v = rng.normal(size=8).astype(np.float32)
        return v / np.linalg.norm(v)

    def query(self, text: str) -> Vectors:
        return self._vector(text)

    def passages(self, texts: Sequence[str]) -> Vectors:
        self.embedded += texts
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, 8), np.float32)


def test_a_restart_loads_the_index_instead_of_building_it(
    mini_course: Path, tmp_path: Path
) -> None:
    course = load_course(mini_course, cache_dir=tmp_path / "snippets")
    first = Instructor.for_course(course, embeddings=False, cache_dir=tmp_path, settings=OFFLINE)
    second = Instructor.for_course(course, embeddings=False, cache_dir=tmp_path, settings=OFFLINE)
    assert "build_ms" in first.index.timings
    assert "load_ms" in second.index.timings and "build_ms" not in second.index.timings
    assert second.index.chunks == first.index.chunks
    question = "What is on the graphics card?"
    assert second.ask(question).to_dict() == first.ask(question).to_dict()


def test_an_edited_course_is_indexed_again(mini_course: Path, tmp_path: Path) -> None:
    course = load_course(mini_course, cache_dir=tmp_path / "snippets")
    Instructor.for_course(course, embeddings=False, cache_dir=tmp_path, settings=OFFLINE)
    term = mini_course / "glossary/02-vram.md"
    term.write_text(term.read_text().replace("graphics card", "graphics card (GPU)"))
    edited = load_course(mini_course, cache_dir=tmp_path / "snippets")
    again = Instructor.for_course(edited, embeddings=False, cache_dir=tmp_path, settings=OFFLINE)
    assert "build_ms" in again.index.timings
    assert any("(GPU)" in s for c in again.index.chunks for s in c.sentences)


def test_only_changed_texts_are_embedded_again(mini_course: Path, tmp_path: Path) -> None:
    course = load_course(mini_course, cache_dir=tmp_path / "snippets")
    embedder = CountingEmbedder()
    index = ix.build(course)
    ix.embed(index, embedder, tmp_path)
    units = len(ix.embedding_units(index))
    assert len(embedder.embedded) == units

    ix.embed(ix.build(course), embedder, tmp_path)
    assert len(embedder.embedded) == units  # nothing new

    term = mini_course / "glossary/02-vram.md"
    term.write_text(term.read_text().replace("graphics card.", "graphics card. It is fast."))
    ix.embed(
        ix.build(load_course(mini_course, cache_dir=tmp_path / "snippets")), embedder, tmp_path
    )
    assert embedder.embedded[units:] == ["Glossary: VRAM: It is fast."]


def test_a_damaged_cache_is_rebuilt_not_trusted(mini_course: Path, tmp_path: Path) -> None:
    course = load_course(mini_course, cache_dir=tmp_path / "snippets")
    Instructor.for_course(course, embeddings=False, cache_dir=tmp_path, settings=OFFLINE)
    for path in tmp_path.glob("v*/chunks.json"):
        path.write_text("{not json")
    again = Instructor.for_course(course, embeddings=False, cache_dir=tmp_path, settings=OFFLINE)
    assert "build_ms" in again.index.timings
    healed = Instructor.for_course(course, embeddings=False, cache_dir=tmp_path, settings=OFFLINE)
    assert "load_ms" in healed.index.timings


def test_the_kept_bm25_matrix_scores_as_bm25s_does(mini_course: Path, tmp_path: Path) -> None:
    import bm25s

    from aula.instructor.language import content_stems

    course = load_course(mini_course, cache_dir=tmp_path / "snippets")
    built = ix.build(course)
    ix.save(built, tmp_path / "index")
    loaded = ix.load(course, tmp_path / "index")
    assert loaded is not None
    tokens = [content_stems(c.text, built.lang) or [""] for c in built.chunks]
    reference = bm25s.BM25()
    reference.index(tokens, show_progress=False)
    usable = {s: t for s, t in reference.vocab_dict.items() if s}
    assert usable
    for stem, tid in usable.items():
        expected = reference.get_scores_from_ids([tid])
        assert np.allclose(loaded.term_scores(stem), expected), stem
        assert loaded.idf(stem) == built.idf(stem)
    assert not loaded.term_scores("never-in-the-course").any()


def test_a_cached_index_is_searched_without_importing_bm25s_or_scipy(
    mini_course: Path, tmp_path: Path
) -> None:
    probe = f"""
import sys
from pathlib import Path
from aula.content import load_course
from aula.instructor import Instructor
from aula.instructor.settings import InstructorSettings
course = load_course(Path({str(mini_course)!r}), cache_dir=Path({str(tmp_path)!r}))
instructor = Instructor.for_course(
    course, embeddings=False, backend=None, cache_dir=Path({str(tmp_path)!r}),
    settings=InstructorSettings(),
)
assert instructor.ask("What is on the graphics card?").sources
print(sorted({{m.split(".")[0] for m in sys.modules if m.startswith(("bm25s", "scipy"))}}))
"""
    run = [sys.executable, "-c", probe]
    first = subprocess.run(run, capture_output=True, text=True, check=True)
    assert first.stdout.strip() == "['bm25s', 'scipy']"  # building uses bm25s
    again = subprocess.run(run, capture_output=True, text=True, check=True)
    assert again.stdout.strip() == "[]"


BUILD_WHEN_TOLD = """
import sys, time
from pathlib import Path
from aula.content import load_course
from aula.instructor import Instructor
course = load_course()
go = Path(sys.argv[2])
while not go.exists():  # course loaded: start together
    time.sleep(0.005)
found = Instructor.for_course(course, embeddings=False, backend=None, cache_dir=Path(sys.argv[1]))
print("built" if "build_ms" in found.index.timings else "loaded")
"""


def test_servers_starting_together_on_a_shared_cache_build_the_index_once(
    tmp_path: Path,
) -> None:
    shared, go = tmp_path / "shared-cache", tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", BUILD_WHEN_TOLD, str(shared), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(1.5)
    go.touch()
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert sorted(out.strip() for out, _err in outputs) == ["built", "loaded"]
