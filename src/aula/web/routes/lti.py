"""LTI 1.3 endpoints an LMS calls: OIDC login initiation, launch, deep linking, and what an
LMS admin registers (Aula's JWKS and a configuration JSON).

The login (GET or POST, as the platform chooses) writes nothing: state and nonce travel in a
signed cookie that lives ten minutes. The launch and the deep-linking return are cross-site
POSTs from the LMS: they cannot carry Aula's CSRF token, and need none, because what they
change is proven by the platform's signed id_token, bound to that cookie's state and nonce,
with the nonce single-use (``aula.services.lti``). The teacher's pick of a lesson to link is
an ordinary Aula form, with its CSRF token.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from aula.content.urls import (
    LTI_CONFIG_PATH,
    LTI_DEEP_LINK_PATH,
    LTI_JWKS_PATH,
    LTI_LAUNCH_PATH,
    LTI_LOGIN_PATH,
    lesson_url,
    node_url,
)
from aula.services import lti
from aula.web.aula import Aula, aula_of
from aula.web.errors import InputError
from aula.web.forms import form_csrf, read_form

COOKIE = "aula_lti"
DEEP_LINK_AGE = 3600  # seconds a teacher has to pick what to link


def _base(aula: Aula) -> str:
    return aula.settings.base_url()


def _refused(refused: lti.LtiRefused) -> InputError:
    return InputError(refused.message, status_code=refused.status)


async def _params(request: Request) -> dict[str, str]:
    params = {k: v for k, v in request.query_params.items()}
    if request.method == "POST":
        form = await read_form(request)
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _sealed_session(aula: Aula, request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    sealed = request.cookies.get(COOKIE)
    found = aula.identity.unseal(sealed, lti.STATE_LIFETIME) if sealed else None
    if not isinstance(found, dict):
        return {}, {}
    return dict(found.get("session") or {}), dict(found.get("cookies") or {})


async def login(request: Request) -> Response:
    """OIDC third-party login initiation: redirect to the platform's authorisation."""
    aula = aula_of(request)
    params = await _params(request)
    session, cookies = _sealed_session(aula, request)
    call = lti.LtiRequest(params, _secure(aula, request), session, cookies)
    try:
        location = await aula.db(
            lti.login, aula.store, aula.lti_keys, call, _base(aula) + LTI_LAUNCH_PATH
        )
    except lti.LtiRefused as refused:
        raise _refused(refused) from None
    response = RedirectResponse(location, status_code=302)
    sealed = aula.identity.seal({"session": call.session, "cookies": call.cookies})
    secure = _secure(aula, request)
    # The launch comes back as a cross-site POST: only SameSite=None (which browsers accept
    # with Secure only, so over HTTPS) brings this cookie along.
    response.set_cookie(
        COOKIE,
        sealed,
        max_age=lti.STATE_LIFETIME,
        path="/lti/",
        httponly=True,
        secure=secure,
        samesite="none" if secure else "lax",
    )
    return response


def _secure(aula: Aula, request: Request) -> bool:
    return aula.identity.secure_for(request.scope)


async def launch(request: Request) -> Response:
    """The platform's signed launch: sign its user in, then open what the link names (or,
    for a deep-linking request, let the teacher pick it)."""
    aula = aula_of(request)
    params = await _params(request)
    session, cookies = _sealed_session(aula, request)
    call = lti.LtiRequest(params, _secure(aula, request), session, cookies)
    try:
        launched = await aula.db(lti.launch, aula.store, aula.lti_keys, aula.course, call)
    except lti.LtiRefused as refused:
        raise _refused(refused) from None
    request.state.learner_id = launched.learner_id  # LearnerMiddleware sets their cookie
    if launched.kind == "deep_link":
        settings = launched.claims.get(lti.DL_CLAIM) or {}
        if not settings.get("deep_link_return_url"):
            raise InputError("This deep-linking request has no return URL.", status_code=400)
        pending = aula.identity.seal(
            {
                "issuer": launched.issuer,
                "client_id": launched.client_id,
                "deployment_id": launched.deployment_id,
                "settings": settings,
            }
        )
        context = {"lessons": aula.course.lessons, "pending": pending, "role": launched.role}
        response: Response = aula.render(request, "lti_pick.html", context)
    else:
        where = (
            node_url(launched.lesson_id, launched.node_id)
            if launched.node_id
            else lesson_url(launched.lesson_id)
        )
        response = RedirectResponse(where, status_code=303)
    response.delete_cookie(COOKIE, path="/lti/")
    return response


async def deep_link(request: Request) -> Response:
    """The teacher's pick, sent back to the LMS as a signed LtiDeepLinkingResponse."""
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    pending = aula.identity.unseal(str(form.get("pending") or ""), DEEP_LINK_AGE)
    if not isinstance(pending, dict):
        raise InputError(
            "This choice has expired or was altered: start again from the LMS.", status_code=400
        )
    choice = str(form.get("target") or "")
    lesson_id, _, node_id = choice.partition(":")
    lesson = aula.course.lesson(lesson_id)
    if lesson is None:
        raise InputError(
            f"No lesson '{lesson_id[:100]}' in this course.",
            fields={"target": "pick a lesson or a skill from the list"},
        )
    try:
        url, token = await aula.db(
            lti.deep_link_response,
            aula.store,
            aula.lti_keys,
            pending["issuer"],
            pending["client_id"],
            pending["deployment_id"],
            pending["settings"],
            aula.course,
            lesson,
            node_id or None,
            _base(aula),
        )
    except lti.LtiRefused as refused:
        raise _refused(refused) from None
    response = aula.render(request, "lti_return.html", {"return_url": url, "jwt": token})
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    response.headers["content-security-policy"] = (
        "default-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; "
        f"base-uri 'none'; form-action 'self' {origin}; frame-ancestors 'none'"
    )
    return response


async def jwks(request: Request) -> Response:
    """Aula's public keys: platforms verify its deep-linking answers and service tokens."""
    aula = aula_of(request)
    keys = await aula.db(aula.lti_keys.jwks)
    return JSONResponse(keys, headers={"cache-control": "max-age=300"})


async def config(request: Request) -> Response:
    """What an LMS admin enters when registering Aula (Canvas can read it as it is)."""
    aula = aula_of(request)
    base = _base(aula)
    course = aula.course
    data = {
        "title": f"Aula: {course.title}",
        "description": course.description,
        "oidc_initiation_url": base + LTI_LOGIN_PATH,
        "target_link_uri": base + LTI_LAUNCH_PATH,
        "redirect_uris": [base + LTI_LAUNCH_PATH],
        "public_jwk_url": base + LTI_JWKS_PATH,
        "scopes": [lti.SCORE_SCOPE, lti.NRPS_SCOPE],
        "messages": ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"],
        "deep_linking_url": base + LTI_LAUNCH_PATH,
        "extensions": [
            {
                "platform": "canvas.instructure.com",
                "privacy_level": "public",
                "settings": {
                    "placements": [
                        {
                            "placement": "link_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "target_link_uri": base + LTI_LAUNCH_PATH,
                        },
                        {
                            "placement": "assignment_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "target_link_uri": base + LTI_LAUNCH_PATH,
                        },
                    ]
                },
            }
        ],
        "custom_fields": {},
    }
    return JSONResponse(data)


routes = [
    Route(LTI_LOGIN_PATH, login, methods=["GET", "POST"], name="lti-login"),
    Route(LTI_LAUNCH_PATH, launch, methods=["POST"], name="lti-launch"),
    Route(LTI_DEEP_LINK_PATH, deep_link, methods=["POST"], name="lti-deep-link"),
    Route(LTI_JWKS_PATH, jwks, methods=["GET"], name="lti-jwks"),
    Route(LTI_CONFIG_PATH, config, methods=["GET"], name="lti-config"),
]
