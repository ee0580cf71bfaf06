"""Lesson packages: manifests valid against the official SCORM 1.2, SCORM 2004 4th Edition and
cmi5 schemas (tests/services/xsd, sources in SOURCES.md), the lesson complete and offline."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from aula.content import Course
from aula.services.packages import UnknownLesson, build_package, package_files

XSD = Path(__file__).parent / "xsd"
SCHEMAS = {
    "scorm12": XSD / "scorm12" / "imscp_rootv1p1p2.xsd",
    "scorm2004": XSD / "scorm2004-4th" / "imscp_v1p1.xsd",
    "cmi5": XSD / "cmi5" / "CourseStructure.xsd",
}
MANIFEST = {"scorm12": "imsmanifest.xml", "scorm2004": "imsmanifest.xml", "cmi5": "cmi5.xml"}


class W3CXml(etree.Resolver):
    """IMS's ``ims_xml.xsd`` (SCORM 1.2) declares the reserved xml namespace as its default,
    which libxml2 rightly refuses; the W3C's own ``xml.xsd`` (shipped with SCORM 2004) defines
    the same attributes (``xml:lang``, ``xml:base``) and stands in for it."""

    def resolve(self, url: str | None, pubid: str | None, context: object) -> object:  # type: ignore[override]
        if url and url.endswith("ims_xml.xsd"):
            w3c = str(XSD / "scorm2004-4th" / "xml.xsd")
            return self.resolve_filename(w3c, context)  # type: ignore[attr-defined]
        return None


def _parser() -> etree.XMLParser:
    parser = etree.XMLParser()
    parser.resolvers.add(W3CXml())
    return parser


def validate(standard: str, xml: bytes) -> None:
    """Validate with every schema the document names (its extensions too), as an LMS would."""
    document = etree.fromstring(xml)
    if standard == "cmi5":
        etree.XMLSchema(etree.parse(str(SCHEMAS["cmi5"]))).assertValid(document)
        return
    folder = SCHEMAS[standard].parent
    # One schema importing every namespace the manifest uses, from the local files.
    location = document.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    pairs = (location or "").split()
    # The namespaces the manifest uses: SCORM 1.2's metadata schema (imsmd 1.2.1), unused
    # here, has a content model libxml2 refuses as non-deterministic, so only these load.
    used = {etree.QName(e).namespace for e in document.iter()}
    used |= {etree.QName(a).namespace for e in document.iter() for a in e.attrib}
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(folder / name).as_uri()}"/>'
        for ns, name in zip(pairs[::2], pairs[1::2], strict=True)
        if ns in used
    )
    assert imports.count("<xs:import") >= 2, "the manifest names its schemas"
    driver = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    root = etree.fromstring(driver.encode(), _parser(), base_url=folder.as_uri() + "/")
    schema = etree.XMLSchema(root)
    schema.assertValid(document)


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004", "cmi5"])
def test_the_manifest_is_valid_against_the_official_schema(course: Course, standard: str) -> None:
    files = package_files(course, "open-vs-closed", standard)  # type: ignore[arg-type]
    validate(standard, files[MANIFEST[standard]])


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_an_invalid_manifest_is_refused_by_the_schema(course: Course, standard: str) -> None:
    """The validation can fail: a manifest missing its organizations is refused."""
    xml = package_files(course, "open-vs-closed", standard)[MANIFEST[standard]]  # type: ignore[arg-type]
    broken = re.sub(rb"<organizations.*</organizations>", b"", xml, flags=re.S)
    with pytest.raises(etree.DocumentInvalid):
        validate(standard, broken)


def test_an_invalid_cmi5_structure_is_refused(course: Course) -> None:
    xml = package_files(course, "open-vs-closed", "cmi5")["cmi5.xml"]
    with pytest.raises(etree.DocumentInvalid):
        validate("cmi5", xml.replace(b"<url>index.html</url>", b""))


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_every_file_of_the_package_is_listed_in_the_manifest(course: Course, standard: str) -> None:
    data = build_package(course, "open-vs-closed", standard)  # type: ignore[arg-type]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    listed = {f.get("href") for f in manifest.iter("{*}file")}
    assert listed == names - {"imsmanifest.xml"}
    assert archive.namelist()[0] == "imsmanifest.xml"


def test_the_page_holds_the_whole_lesson_and_nothing_from_elsewhere(course: Course) -> None:
    lesson = course.lessons[0]
    page = package_files(course, lesson.id, "scorm2004")["index.html"].decode()
    for slide in lesson.slides:
        assert f'id="slide-{slide.number}"' in page
        if slide.code and slide.code.output and slide.code.output.stdout.strip():
            first = slide.code.output.stdout.strip().splitlines()[0]
            assert first.replace("&", "&amp;").replace("<", "&lt;")[:30] in page
    for q in lesson.questions:
        assert f'data-question="{q.id}"' in page
    for term in course.glossary:
        assert f'id="term-{term.id}"' in page
    # Offline: no address outside the package, and no instructor or lab without a server.
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "/labs/" not in page
    key = json.loads(re.search(r'id="aula-key">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert set(key["questions"]) == {q.id for q in lesson.questions}


def test_with_a_server_the_instructor_and_labs_are_linked_there(course: Course) -> None:
    page = package_files(course, "open-vs-closed", "scorm12", "https://aula.example.org/")
    html = page["index.html"].decode()
    assert 'href="https://aula.example.org/lessons/open-vs-closed"' in html
    assert 'href="https://aula.example.org/labs/' in html


def test_the_same_lesson_gives_the_same_bytes(course: Course) -> None:
    assert build_package(course, "open-vs-closed", "cmi5") == build_package(
        course, "open-vs-closed", "cmi5"
    )


def test_a_package_for_an_unknown_lesson_is_refused(course: Course) -> None:
    with pytest.raises(UnknownLesson, match=r"no lesson 'nope'.*open-vs-closed"):
        build_package(course, "nope", "scorm12")
    with pytest.raises(ValueError, match="unknown package standard"):
        build_package(course, "open-vs-closed", "aicc")  # type: ignore[arg-type]
