"""``aula export scorm|cmi5``: the command as a user runs it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path


def aula(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aula", *args], capture_output=True, text=True, timeout=120
    )


def test_scorm_12_2004_and_cmi5_packages_are_written(tmp_path: Path) -> None:
    for args, manifest, version in [
        (["scorm", "--version", "1.2"], "imsmanifest.xml", b"<schemaversion>1.2<"),
        (["scorm"], "imsmanifest.xml", b"<schemaversion>2004 4th Edition<"),
        (["cmi5"], "cmi5.xml", b"cmi5/v1/CourseStructure.xsd"),
    ]:
        out = tmp_path / f"{args[0]}-{len(args)}.zip"
        result = aula("export", *args, "open-vs-closed", "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert str(out) in result.stdout
        with zipfile.ZipFile(out) as z:
            assert version in z.read(manifest)
            assert "index.html" in z.namelist()


def test_an_unknown_lesson_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x.zip"
    result = aula("export", "scorm", "no-such-lesson", "-o", str(out))
    assert result.returncode == 2
    assert "no lesson 'no-such-lesson'" in result.stderr and "open-vs-closed" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_server_that_is_not_a_url_is_refused(tmp_path: Path) -> None:
    result = aula(
        "export",
        "cmi5",
        "open-vs-closed",
        "-o",
        str(tmp_path / "x.zip"),
        "--server",
        "aula.example.org",
    )
    assert result.returncode == 2
    assert "--server" in result.stderr and "http" in result.stderr
