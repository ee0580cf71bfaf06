"""Where each item of a course lives on the web: each address is defined here once.

The web app's routes are declared with these paths, and the web's links, the JSON twins and
the instructor's sources (which may not import the web layer) build addresses with the
functions below, so a link and its route cannot drift apart.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

LESSON_PATH = "/lessons/{lesson_id}"
SLIDE_PATH = "/lessons/{lesson_id}/slides/{number:int}"
NODE_PATH = "/lessons/{lesson_id}/nodes/{node_id}"
GLOSSARY_PATH = "/glossary"
LAB_PATH = "/labs/{slug}"
# LTI 1.3: what an LMS admin registers (docs/lms.md).
LTI_LOGIN_PATH = "/lti/login"
LTI_LAUNCH_PATH = "/lti/launch"
LTI_DEEP_LINK_PATH = "/lti/deep-link"
LTI_JWKS_PATH = "/lti/jwks.json"
LTI_CONFIG_PATH = "/lti/config.json"


def lesson_url(lesson_id: str) -> str:
    return LESSON_PATH.format(lesson_id=quote(lesson_id))


def slide_url(lesson_id: str, number: int) -> str:
    return SLIDE_PATH.replace(":int", "").format(lesson_id=quote(lesson_id), number=number)


def section_url(lesson_id: str, section_id: str) -> str:
    return f"{lesson_url(lesson_id)}#section-{quote(section_id)}"


def term_url(term_id: str) -> str:
    return f"{GLOSSARY_PATH}#term-{quote(term_id)}"


def node_url(lesson_id: str, node_id: str) -> str:
    return NODE_PATH.format(lesson_id=quote(lesson_id), node_id=quote(node_id))


def lab_url(slug: str, **query: str | int | float) -> str:
    """A lab's page, pre-filled: ``lab_url("vram", model="flux-dev", gpu=8)``."""
    path = LAB_PATH.format(slug=quote(slug))
    return f"{path}?{urlencode(query)}" if query else path
