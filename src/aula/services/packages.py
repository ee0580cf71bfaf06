"""A lesson as a package an LMS imports: SCORM 1.2, SCORM 2004 4th Edition, or cmi5.

The package is the lesson offline in one page (slides with their code and Terminal output,
the knowledge checks with feedback per choice, the sections, the glossary) and a small script
that reports to the LMS through the SCORM runtime API or, for cmi5, xAPI: each answer as an
interaction, the score (questions right on the first try), completion (every question answered
right) and passed/failed against ``PASSING_SCORE``. The AI instructor and the labs need the
server: they are left out, or linked to it when ``server_url`` is given (``--server``).

Grading happens in the learner's browser, so the page carries the answer key: an offline
package cannot hide it (an LMS-launched lesson that must keep it hidden uses LTI instead).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

from jinja2 import Environment, FileSystemLoader, select_autoescape

from aula.content.model import Course, Lesson

Standard = Literal["scorm12", "scorm2004", "cmi5"]
STANDARDS: tuple[Standard, ...] = ("scorm12", "scorm2004", "cmi5")
PASSING_SCORE = 0.8
"""Share of the questions right on the first try that passes the lesson."""
HERE = Path(__file__).parent / "package"
ASSETS = ("aula-package.js", "aula-package.css")
# A fixed date inside the zip, so that the same lesson always makes the same bytes.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


class UnknownLesson(LookupError):
    """No lesson of that id in the course: nothing is written."""

    def __init__(self, lesson_id: str, course: Course) -> None:
        known = ", ".join(lesson.id for lesson in course.lessons)
        self.message = f"no lesson '{lesson_id}' in course '{course.id}' (lessons: {known})"
        super().__init__(self.message)


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(HERE),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _key(lesson: Lesson) -> dict[str, Any]:
    """What the page's script needs: per question, its choices' correctness and feedback."""
    return {
        "lesson": lesson.id,
        "passing": PASSING_SCORE,
        "questions": {
            q.id: {
                "node": q.node,
                "kind": q.kind,
                "correct": sorted(q.correct_ids),
                "feedback": {c.id: c.feedback.html if c.feedback else "" for c in q.choices},
                "explanation": q.explanation.html,
            }
            for q in lesson.questions
        },
    }


def lesson_page(course: Course, lesson: Lesson, standard: Standard, server: str | None) -> str:
    """The package's one HTML page."""
    checks_after: dict[str, list[Any]] = {}
    for node in lesson.skill_tree.nodes:
        numbers = [s.number for s in lesson.slides if s.id in node.slides]
        last = lesson.slides[max(numbers) - 1].id if numbers else lesson.slides[-1].id
        checks_after.setdefault(last, []).append(node)
    terms = [t for t in course.glossary]
    key = json.dumps(_key(lesson), ensure_ascii=False).replace("</", "<\\/")
    return (
        _environment()
        .get_template("lesson.html")
        .render(
            course=course,
            lesson=lesson,
            standard=standard,
            server=server.rstrip("/") if server else None,
            checks_after=checks_after,
            terms=terms,
            key=key,
            total=len(lesson.questions),
        )
    )


def activity_id(course: Course, lesson: Lesson, server: str | None) -> str:
    base = server.rstrip("/") if server else f"urn:aula:{course.id}"
    return f"{base}/lessons/{lesson.id}" if server else f"{base}:lessons:{lesson.id}"


def scorm12_manifest(course: Course, lesson: Lesson, files: list[str]) -> str:
    ident = f"aula-{course.id}-{lesson.id}"
    listing = "\n".join(f"      <file href={quoteattr(f)}/>" for f in files)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={quoteattr(ident)} version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd
    http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd
    http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{escape(course.title)}</title>
      <item identifier="item-{escape(lesson.id)}" identifierref="sco" isvisible="true">
        <title>{escape(lesson.title)}</title>
        <adlcp:masteryscore>{round(PASSING_SCORE * 100)}</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco" type="webcontent" adlcp:scormtype="sco" href="index.html">
{listing}
    </resource>
  </resources>
</manifest>
"""


def scorm2004_manifest(course: Course, lesson: Lesson, files: list[str]) -> str:
    ident = f"aula-{course.id}-{lesson.id}"
    listing = "\n".join(f"      <file href={quoteattr(f)}/>" for f in files)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={quoteattr(ident)} version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd
    http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd
    http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd
    http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd
    http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{escape(course.title)}</title>
      <item identifier="item-{escape(lesson.id)}" identifierref="sco" isvisible="true">
        <title>{escape(lesson.title)}</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="lesson-passed" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>{PASSING_SCORE}</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco" type="webcontent" adlcp:scormType="sco" href="index.html">
{listing}
    </resource>
  </resources>
</manifest>
"""


def cmi5_structure(course: Course, lesson: Lesson, server: str | None) -> str:
    au_id = activity_id(course, lesson, server)
    course_id = server.rstrip("/") + f"/courses/{course.id}" if server else f"urn:aula:{course.id}"
    lang = quoteattr(course.language or "en")

    def text(value: str) -> str:
        return f"<langstring lang={lang}>{escape(value)}</langstring>"

    return f"""<?xml version="1.0" encoding="UTF-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id={quoteattr(course_id)}>
    <title>{text(course.title)}</title>
    <description>{text(course.description)}</description>
  </course>
  <au id={quoteattr(au_id)} moveOn="CompletedAndPassed" masteryScore="{PASSING_SCORE}"
      launchMethod="AnyWindow">
    <title>{text(lesson.title)}</title>
    <description>{text(lesson.tagline or lesson.title)}</description>
    <url>index.html</url>
  </au>
</courseStructure>
"""


def package_files(
    course: Course, lesson_id: str, standard: Standard, server: str | None = None
) -> Mapping[str, bytes]:
    """Every file of the package by its name in the zip. ``UnknownLesson`` for a lesson the
    course does not have, ``ValueError`` for an unknown standard."""
    if standard not in STANDARDS:
        raise ValueError(f"unknown package standard '{standard}' (known: {', '.join(STANDARDS)})")
    lesson = course.lesson(lesson_id)
    if lesson is None:
        raise UnknownLesson(lesson_id, course)
    files = {"index.html": lesson_page(course, lesson, standard, server).encode()}
    for name in ASSETS:
        files[name] = (HERE / name).read_bytes()
    names = sorted(files)
    if standard == "scorm12":
        files["imsmanifest.xml"] = scorm12_manifest(course, lesson, names).encode()
    elif standard == "scorm2004":
        files["imsmanifest.xml"] = scorm2004_manifest(course, lesson, names).encode()
    else:
        files["cmi5.xml"] = cmi5_structure(course, lesson, server).encode()
    return files


def build_package(
    course: Course, lesson_id: str, standard: Standard, server: str | None = None
) -> bytes:
    """The package as zip bytes (the same lesson always gives the same bytes)."""
    files = package_files(course, lesson_id, standard, server)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # The manifest first: some LMSs look for it at the start of the archive.
        for name in sorted(files, key=lambda n: (not n.endswith(".xml"), n)):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return out.getvalue()
