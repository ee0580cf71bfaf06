"""LTI 1.3: registered platforms, launch nonces already used, where learners' scores go."""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection

from .dialect import insert_missing
from .records import LtiLink, LtiPlatform
from .schema import lti_links, lti_nonces, lti_platforms


def save_platform(connection: Connection, platform: LtiPlatform, at: datetime) -> None:
    """Register the platform, or update its addresses and deployments."""
    t = lti_platforms
    values = {
        "auth_login_url": platform.auth_login_url,
        "auth_token_url": platform.auth_token_url,
        "key_set_url": platform.key_set_url,
        "deployment_ids": json.dumps(list(platform.deployment_ids)),
    }
    key = (t.c.issuer == platform.issuer) & (t.c.client_id == platform.client_id)
    if connection.execute(sa.select(t.c.issuer).where(key)).first():
        connection.execute(sa.update(t).where(key).values(**values))
    else:
        connection.execute(
            sa.insert(t).values(
                issuer=platform.issuer, client_id=platform.client_id, created_at=at, **values
            )
        )


def platforms(connection: Connection) -> list[LtiPlatform]:
    rows = connection.execute(sa.select(lti_platforms).order_by(lti_platforms.c.created_at))
    return [
        LtiPlatform(
            r.issuer,
            r.client_id,
            r.auth_login_url,
            r.auth_token_url,
            r.key_set_url,
            tuple(json.loads(r.deployment_ids)),
        )
        for r in rows
    ]


def use_nonce(connection: Connection, nonce: str, at: datetime) -> bool:
    """Record the nonce as used; ``False`` if it already was (a replayed launch)."""
    query = sa.select(lti_nonces.c.nonce).where(lti_nonces.c.nonce == nonce)
    if connection.execute(query).first() is not None:
        return False
    try:
        with connection.begin_nested():
            connection.execute(sa.insert(lti_nonces).values(nonce=nonce, used_at=at))
    except sa_exc.IntegrityError:
        return False
    return True


def save_link(connection: Connection, link: LtiLink, at: datetime) -> None:
    t = lti_links
    key = (
        (t.c.learner_id == link.learner_id)
        & (t.c.lesson_id == link.lesson_id)
        & (t.c.issuer == link.issuer)
    )
    connection.execute(sa.delete(t).where(key))
    insert_missing(
        connection,
        t,
        {
            "learner_id": link.learner_id,
            "lesson_id": link.lesson_id,
            "issuer": link.issuer,
            "client_id": link.client_id,
            "user_id": link.user_id,
            "lineitem_url": link.lineitem_url,
            "node_id": link.node_id,
            "updated_at": at,
        },
        key=["learner_id", "lesson_id", "issuer"],
    )


def links(connection: Connection, learner_id: str, lesson_id: str) -> list[LtiLink]:
    t = lti_links
    rows = connection.execute(
        sa.select(t).where(t.c.learner_id == learner_id, t.c.lesson_id == lesson_id)
    )
    return [
        LtiLink(
            r.learner_id, r.lesson_id, r.issuer, r.client_id, r.user_id, r.lineitem_url, r.node_id
        )
        for r in rows
    ]
