"""Signing in and out, the account page, passwords, one-time links, joining a cohort,
exporting and deleting one's data."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from aula.i18n import N_, _
from aula.services.accounts import (
    LoginFailed,
    LoginThrottled,
    PasswordRefused,
    change_password,
    delete_account,
    export_account,
    link_user,
    login,
    logout,
    set_password_with_link,
)
from aula.services.cohorts import JoinRefused, join
from aula.services.sso import Flow, SSORefused, begin, finish, provider_named
from aula.store.account_store import AccountRefused
from aula.web.aula import Aula, aula_of
from aula.web.auth import (
    clear_session_cookie,
    current_user,
    require_user,
    session_cookie,
)
from aula.web.errors import InputError
from aula.web.forms import (
    form_csrf,
    header_csrf,
    is_json,
    local_path,
    read_form,
    read_json,
)
from aula.web.lookup import path_param

MAX_FIELD = 1024
ROLE_NAMES = (N_("learner"), N_("teacher"), N_("admin"))  # shown translated: _(user.role)
FLOW_COOKIE = "aula_oidc"
FLOW_MAX_AGE = 600  # seconds to sign in at the provider


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(max_length=MAX_FIELD)


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value[:MAX_FIELD] if isinstance(value, str) else ""


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def account_data(aula: Aula, request: Request, cohorts: list[Any]) -> dict[str, Any]:
    user = current_user(request)
    return {
        "signed_in": user is not None,
        "email": user.email if user else None,
        "role": user.role if user else None,
        "access": aula.settings.access,
        "cohorts": [{"id": c.id, "name": c.name} for c in cohorts],
    }


async def login_page(request: Request) -> Response:
    aula = aula_of(request)
    context = {
        "title": _("Sign in"),
        "next": local_path(request.query_params.get("next"), aula.url("home")),
        "email": "",
        "reset": request.query_params.get("reset") == "1",
        "providers": aula.settings.oidc(),
    }
    return aula.render(request, "login.html", context)


async def login_post(request: Request) -> Response:
    """
    summary: Sign in with an email and password (JSON twin of the sign-in form); the browser's
      anonymous progress is merged into the account's. Needs the X-CSRF-Token header.
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            additionalProperties: false
            required: [email, password]
            properties:
              email: {type: string, maxLength: 254}
              password: {type: string, maxLength: 1024}
    responses:
      200: {description: "`{signed_in: true, email, role, merged_answers, csrf_token}`"}
      400: {description: The body is not JSON.}
      401: {description: Wrong email or password; nothing changed.}
      403: {description: Missing or wrong CSRF token.}
      415: {description: The body is not sent as JSON.}
      422: {description: Invalid fields.}
      429: {description: Too many wrong passwords for this account or address.}
    """
    aula = aula_of(request)
    api = request.url.path.startswith("/api/")
    if api or is_json(request):
        header_csrf(request)
        body = await read_json(request, LoginBody)
        email, password, back = body.email, body.password, aula.url("home")
    else:
        form = await read_form(request)
        form_csrf(request, form)
        email, password = _field(form, "email"), _field(form, "password")
        back = local_path(form.get("next"), aula.url("home"))
    anonymous = None if current_user(request) else aula.learner(request)
    try:
        signed = await aula.db(
            login, aula.store, aula.settings, email, password, _address(request), anonymous
        )
        if request.state.session_token:  # signing in again: the old session ends (rotation)
            await aula.db(logout, aula.store, request.state.session_token)
    except LoginThrottled as throttled:
        raise InputError(throttled.message, status_code=429) from None
    except LoginFailed:
        raise InputError(LoginFailed.message, status_code=401, fields={"password": "?"}) from None
    secure = aula.identity.secure_for(request.scope)
    fresh = aula.identity.new_learner()  # the anonymous id was merged and retired
    response: Response
    if api:
        response = JSONResponse(
            {
                "signed_in": True,
                "email": signed.user.email,
                "role": signed.user.role,
                "merged_answers": signed.merged_answers,
                "csrf_token": aula.identity.csrf_token(signed.user.learner_id),
            }
        )
    else:
        response = RedirectResponse(back, status_code=303)
    response.headers.append("set-cookie", session_cookie(aula, signed.token, secure))
    response.headers.append("set-cookie", aula.identity.cookie_header(fresh, secure=secure))
    response.headers["cache-control"] = "no-store"
    return response


async def logout_post(request: Request) -> Response:
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    token = request.state.session_token
    if token:
        await aula.db(logout, aula.store, token)
    response = RedirectResponse(aula.url("home"), status_code=303)
    response.headers.append("set-cookie", clear_session_cookie())
    fresh = aula.identity.new_learner()
    secure = aula.identity.secure_for(request.scope)
    response.headers.append("set-cookie", aula.identity.cookie_header(fresh, secure=secure))
    return response


async def account_page(request: Request) -> Response:
    aula = aula_of(request)
    user = current_user(request)
    history = aula.history(request)
    cohorts = (
        await aula.read(aula.store.accounts.cohorts_of, aula.learner(request)) if history else []
    )
    context = {
        "title": _("Your account") if user else _("Your data"),
        "data": account_data(aula, request, cohorts),
        "cohorts": cohorts,
        "keeps_answers": aula.settings.erase_keeps_answers,
        "message": request.query_params.get("done", "")[:40],
    }
    return aula.render(request, "account.html", context)


async def account_json(request: Request) -> Response:
    """
    summary: Who is signed in (twin of `/account`), their role and cohorts.
    responses:
      200: {description: "`{signed_in, email, role, access, cohorts}`"}
    """
    aula = aula_of(request)
    history = aula.history(request)
    cohorts = (
        await aula.read(aula.store.accounts.cohorts_of, aula.learner(request)) if history else []
    )
    return JSONResponse(account_data(aula, request, cohorts))


async def password_post(request: Request) -> Response:
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    user = require_user(request)
    current, new = _field(form, "current"), _field(form, "new")
    try:
        await aula.db(change_password, aula.store, user, current, new, request.state.session_token)
    except LoginFailed:
        raise InputError(
            "The current password is wrong; nothing changed.",
            status_code=403,
            fields={"current": "wrong"},
        ) from None
    except PasswordRefused as refused:
        raise InputError(str(refused), fields={"new": str(refused)}) from None
    return RedirectResponse(f"{aula.url('account')}?done=password", status_code=303)


async def link_page(request: Request) -> Response:
    """A one-time link opened: a form to choose a password (a GET never uses the link up)."""
    aula = aula_of(request)
    token = path_param(request, "token")[:MAX_FIELD]
    try:
        user = await aula.read(link_user, aula.store, token)
    except AccountRefused as refused:
        status = 410 if refused.reason != "unknown" else 404
        raise InputError(refused.message, status_code=status) from None
    context = {"title": _("Choose your password"), "token": token, "email": user.email}
    response = aula.render(request, "link.html", context)
    response.headers["cache-control"] = "no-store"
    return response


async def link_post(request: Request) -> Response:
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    token, password = _field(form, "token"), _field(form, "password")
    try:
        await aula.db(set_password_with_link, aula.store, token, password)
    except AccountRefused as refused:
        status = 410 if refused.reason != "unknown" else 404
        raise InputError(refused.message, status_code=status) from None
    except PasswordRefused as refused:
        raise InputError(str(refused), fields={"password": str(refused)}) from None
    return RedirectResponse(f"{aula.url('login')}?reset=1", status_code=303)


async def export_post(request: Request) -> Response:
    """Everything stored about you and your account, as a file (the export is audited)."""
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    data = await aula.db(
        export_account, aula.store, aula.course, current_user(request), aula.learner(request)
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return JSONResponse(
        data,
        headers={
            "content-disposition": f'attachment; filename="aula-account-{stamp}.json"',
            "cache-control": "no-store",
        },
    )


async def delete_post(request: Request) -> Response:
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    user = require_user(request)
    if _field(form, "confirm").strip().lower() != user.email:
        raise InputError(
            "Type your email address to confirm; nothing was deleted.",
            fields={"confirm": "type your email"},
        )
    await aula.db(delete_account, aula.store, aula.settings, user)
    response = RedirectResponse(f"{aula.url('home')}?deleted=1", status_code=303)
    response.headers.append("set-cookie", clear_session_cookie())
    fresh = aula.identity.new_learner()
    response.headers.append("set-cookie", aula.identity.cookie_header(fresh))
    return response


async def join_page(request: Request) -> Response:
    """The join form, filled in from a join link (a GET never joins)."""
    aula = aula_of(request)
    code = request.path_params.get("code", "")
    context = {"title": _("Join a cohort"), "code": str(code)[:32]}
    return aula.render(request, "join.html", context)


class JoinBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=64)


async def join_post(request: Request) -> Response:
    """
    summary: Join a cohort with its code (twin of the join form). Needs the X-CSRF-Token header.
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            additionalProperties: false
            required: [code]
            properties:
              code: {type: string, maxLength: 64}
    responses:
      200: {description: "`{cohort: {id, name}, joined: bool}` (false: already in it)"}
      400: {description: The body is not JSON.}
      403: {description: Missing or wrong CSRF token.}
      404: {description: No cohort has that code; nothing changed.}
      415: {description: The body is not sent as JSON.}
      422: {description: Invalid fields.}
    """
    aula = aula_of(request)
    api = request.url.path.startswith("/api/")
    if api:
        header_csrf(request)
        code = (await read_json(request, JoinBody)).code
    else:
        form = await read_form(request)
        form_csrf(request, form)
        code = _field(form, "code")[:64]
    try:
        cohort, new = await aula.db(join, aula.store, code, aula.learner(request))
    except JoinRefused as refused:
        raise InputError(refused.message, status_code=404, fields={"code": "unknown"}) from None
    if api:
        return JSONResponse({"cohort": {"id": cohort.id, "name": cohort.name}, "joined": new})
    return RedirectResponse(f"{aula.url('account')}?done=joined-{cohort.id}", status_code=303)


def _callback_url(request: Request, name: str) -> str:
    return str(request.url_for("sso-callback", provider=name))


async def sso_start(request: Request) -> Response:
    """Start signing in with a provider (a POST: a page elsewhere cannot start it)."""
    aula = aula_of(request)
    form = await read_form(request)
    form_csrf(request, form)
    provider = provider_named(aula.settings, path_param(request, "provider"))
    if provider is None:
        raise InputError("No such sign-in provider on this server.", status_code=404)
    back = local_path(form.get("next"), aula.url("home"))
    redirect_uri = _callback_url(request, provider.name)
    try:
        where, flow = await aula.db(begin, provider, redirect_uri, back)
    except SSORefused as refused:
        raise InputError(refused.message, status_code=refused.status) from None
    response = RedirectResponse(where, status_code=303)
    # Base64: JSON's quotes and spaces would garble the Cookie header for every cookie.
    encoded = base64.urlsafe_b64encode(json.dumps(flow.to_dict()).encode()).decode()
    value = aula.identity.sign_flow(encoded)
    secure = "; Secure" if aula.identity.secure_for(request.scope) else ""
    response.headers.append(
        "set-cookie",
        f"{FLOW_COOKIE}={value}; Path=/auth/; Max-Age={FLOW_MAX_AGE}; HttpOnly; "
        f"SameSite=Lax{secure}",
    )
    response.headers["cache-control"] = "no-store"
    return response


async def sso_callback(request: Request) -> Response:
    """Where the provider sends the browser back: checked (state, then the ID token's
    signature and nonce) before anything is written; forged or stale is a 4xx."""
    aula = aula_of(request)
    provider = provider_named(aula.settings, path_param(request, "provider"))
    if provider is None:
        raise InputError("No such sign-in provider on this server.", status_code=404)
    raw = request.cookies.get(FLOW_COOKIE, "")
    text = aula.identity.read_flow(raw, FLOW_MAX_AGE) if raw else None
    try:
        flow = Flow.from_dict(json.loads(base64.urlsafe_b64decode(text))) if text else None
    except ValueError:  # binascii.Error and JSONDecodeError are ValueErrors
        flow = None
    query = request.query_params
    if query.get("error"):
        raise InputError(
            f"{provider.label} did not sign you in ({query.get('error', '')[:80]}).",
            status_code=400,
        )
    anonymous = None if current_user(request) else aula.learner(request)
    try:
        signed = await aula.db(
            finish,
            aula.store,
            aula.settings,
            provider,
            flow,
            query.get("state", "")[:MAX_FIELD],
            query.get("code", "")[:MAX_FIELD],
            _callback_url(request, provider.name),
            anonymous,
        )
    except SSORefused as refused:
        raise InputError(refused.message, status_code=refused.status) from None
    assert flow is not None
    secure = aula.identity.secure_for(request.scope)
    response = RedirectResponse(flow.next, status_code=303)
    response.headers.append("set-cookie", session_cookie(aula, signed.token, secure))
    fresh = aula.identity.new_learner()
    response.headers.append("set-cookie", aula.identity.cookie_header(fresh, secure=secure))
    response.headers.append(
        "set-cookie", f"{FLOW_COOKIE}=; Path=/auth/; Max-Age=0; HttpOnly; SameSite=Lax"
    )
    response.headers["cache-control"] = "no-store"
    return response


routes = [
    Route("/auth/{provider}/login", sso_start, methods=["POST"], name="sso-start"),
    Route("/auth/{provider}/callback", sso_callback, methods=["GET"], name="sso-callback"),
    Route("/login", login_page, methods=["GET"], name="login"),
    Route("/login", login_post, methods=["POST"], name="login-post"),
    Route("/api/login", login_post, methods=["POST"], name="api-login"),
    Route("/logout", logout_post, methods=["POST"], name="logout"),
    Route("/account", account_page, methods=["GET"], name="account"),
    Route("/api/account", account_json, methods=["GET"], name="api-account"),
    Route("/account/password", password_post, methods=["POST"], name="account-password"),
    Route("/account/link/{token}", link_page, methods=["GET"], name="account-link"),
    Route("/account/link", link_post, methods=["POST"], name="account-link-post"),
    Route("/account/export", export_post, methods=["POST"], name="account-export"),
    Route("/account/delete", delete_post, methods=["POST"], name="account-delete"),
    Route("/join", join_page, methods=["GET"], name="join"),
    Route("/join/{code}", join_page, methods=["GET"], name="join-link"),
    Route("/join", join_post, methods=["POST"], name="join-post"),
    Route("/api/cohorts/join", join_post, methods=["POST"], name="api-join"),
]
