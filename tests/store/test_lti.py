"""LTI platforms, single-use launch nonces and where a learner's score goes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aula.store import LtiLink, LtiPlatform, Store

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def platform(deployments: tuple[str, ...] = ("d1",)) -> LtiPlatform:
    return LtiPlatform(
        "https://lms.example",
        "c1",
        "https://lms.example/auth",
        "https://lms.example/token",
        "https://lms.example/jwks",
        deployments,
    )


def test_a_platform_is_registered_then_updated(store: Store) -> None:
    store.save_lti_platform(platform(), at=NOW)
    store.save_lti_platform(platform(("d1", "d2")), at=NOW)
    assert store.lti_platforms() == [platform(("d1", "d2"))]


def test_a_nonce_is_accepted_once(store: Store) -> None:
    assert store.use_lti_nonce("n-1", at=NOW) is True
    assert store.use_lti_nonce("n-1", at=NOW) is False
    assert store.use_lti_nonce("n-2", at=NOW) is True
    with pytest.raises(ValueError):
        store.use_lti_nonce("", at=NOW)


def test_a_link_is_kept_per_learner_lesson_and_platform_and_erased_with_the_learner(
    store: Store,
) -> None:
    link = LtiLink("lti-1", "lesson", "https://lms.example", "c1", "u1", "https://lms/li/1")
    store.save_lti_link(link, at=NOW)
    moved = LtiLink("lti-1", "lesson", "https://lms.example", "c1", "u1", "https://lms/li/2", "n")
    store.save_lti_link(moved, at=NOW)
    assert store.lti_links("lti-1", "lesson") == [moved]
    assert store.lti_links("lti-1", "other") == []
    assert store.reset_learner("lti-1") is True
    assert store.lti_links("lti-1", "lesson") == []
