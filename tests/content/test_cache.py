"""A built course is kept on disk and reused only while nothing that built it has changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aula.content import check_course, load_course
from aula.content import loader as loader_module


def _no_build(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("the course was built again")


def test_a_second_load_comes_from_the_cache(
    mini_course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_course(mini_course, cache_dir=tmp_path)
    monkeypatch.setattr(loader_module, "_build", _no_build)
    again = load_course(mini_course, cache_dir=tmp_path)
    assert again == first
    assert again is not first


def test_an_edited_file_is_a_miss(mini_course: Path, tmp_path: Path) -> None:
    load_course(mini_course, cache_dir=tmp_path)
    course_file = mini_course / "course.yaml"
    course_file.write_text(course_file.read_text().replace("Mini Course", "Mini Course II"))
    assert load_course(mini_course, cache_dir=tmp_path).title == "Mini Course II"


def test_a_course_with_errors_is_not_kept(mini_course: Path, tmp_path: Path) -> None:
    (mini_course / "course.yaml").write_text("title: [\n")
    for _ in range(2):
        report = check_course(mini_course, cache_dir=tmp_path)
        assert not report.ok and report.errors
    assert not list((tmp_path / "courses").glob("*.pickle"))


def test_a_damaged_cache_file_is_rebuilt(mini_course: Path, tmp_path: Path) -> None:
    first = load_course(mini_course, cache_dir=tmp_path)
    for kept in (tmp_path / "courses").glob("*.pickle"):
        kept.write_bytes(b"not a pickle")
    assert load_course(mini_course, cache_dir=tmp_path) == first


def test_without_the_cache_nothing_is_kept(mini_course: Path, tmp_path: Path) -> None:
    check_course(mini_course, cache_dir=tmp_path, use_cache=False)
    assert not (tmp_path / "courses").exists()


def test_a_cached_load_imports_no_parser(mini_course: Path, tmp_path: Path) -> None:
    probe = (
        "import sys; from pathlib import Path; from aula.content import load_course; "
        "load_course(Path(sys.argv[1]), cache_dir=Path(sys.argv[2])); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'markdown_it', 'pygments', 'nh3'}))"
    )
    run = [sys.executable, "-c", probe, str(mini_course), str(tmp_path)]
    subprocess.run(run, check=True, capture_output=True)
    assert subprocess.run(run, check=True, capture_output=True, text=True).stdout.strip() == "[]"
