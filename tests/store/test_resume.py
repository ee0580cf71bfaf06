from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aula.store import ResumeRefused, Store

T0 = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def progress_of(store: Store, learner: str) -> tuple[int, frozenset[str]]:
    return len(store.answers(learner)), store.slides_seen(learner, "l")


def with_progress(store: Store, learner: str) -> None:
    store.record_slide_view(learner, "l", "s1", 1, at=T0)
    store.record_answer(learner, "l", "n", "q", ["a"], True, at=T0)


def test_a_token_moves_progress_once_and_retires_the_old_id(store: Store) -> None:
    with_progress(store, "phone")
    token = store.issue_resume_token("phone", DAY, at=T0)
    old = store.redeem_resume_token(token.lower(), "laptop", at=T0 + timedelta(hours=1))
    assert old == "phone"
    assert progress_of(store, "laptop") == (1, frozenset({"s1"}))
    assert progress_of(store, "phone") == (0, frozenset())
    assert store.is_retired("phone") and not store.is_retired("laptop")
    # the old cookie writes nothing any more
    with pytest.raises(ResumeRefused) as refused:
        store.record_answer("phone", "l", "n", "q", ["a"], True)
    assert refused.value.reason == "retired"
    # single use: a third browser gets a clear refusal and nothing moves
    with pytest.raises(ResumeRefused) as again:
        store.redeem_resume_token(token, "tablet", at=T0 + timedelta(hours=2))
    assert again.value.reason == "used"
    assert progress_of(store, "laptop")[0] == 1 and progress_of(store, "tablet")[0] == 0


@pytest.mark.parametrize(
    ("token", "receiver", "at", "reason"),
    [
        ("NOPE-NOPE-NOPE", "laptop", T0, "unknown"),
        (None, "laptop", T0 + 2 * DAY, "expired"),
        (None, "phone", T0, "same"),
        (None, "busy", T0, "has_progress"),
        ("x" * 500, "laptop", T0, "unknown"),
    ],
)
def test_bad_tokens_are_refused_and_change_nothing(
    store: Store, token: str | None, receiver: str, at: datetime, reason: str
) -> None:
    with_progress(store, "phone")
    with_progress(store, "busy")
    issued = store.issue_resume_token("phone", DAY, at=T0)
    with pytest.raises(ResumeRefused) as refused:
        store.redeem_resume_token(token or issued, receiver, at=at)
    assert refused.value.reason == reason and refused.value.message
    assert progress_of(store, "phone")[0] == 1 and progress_of(store, "busy")[0] == 1
    assert not store.is_retired("phone")


def test_a_new_token_replaces_the_unused_one(store: Store) -> None:
    first = store.issue_resume_token("phone", DAY, at=T0)
    second = store.issue_resume_token("phone", DAY, at=T0)
    with pytest.raises(ResumeRefused):
        store.redeem_resume_token(first, "laptop", at=T0)
    assert store.redeem_resume_token(second, "laptop", at=T0) == "phone"


def test_erasing_a_learner_erases_their_tokens(store: Store) -> None:
    token = store.issue_resume_token("phone", DAY, at=T0)
    assert store.reset_learner("phone")
    with pytest.raises(ResumeRefused):
        store.redeem_resume_token(token, "laptop", at=T0)


def test_activity_times_are_answers_and_reviews(store: Store) -> None:
    store.record_answer("me", "l", "n", "q", ["a"], True, at=T0)
    store.log_review("me", "term", "t", 3, at=T0 + DAY)
    assert store.activity_times("me") == [T0, T0 + DAY]
