"""Accounts, sessions, throttling, links, cohorts and merging, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aula.store import Store
from aula.store.account_store import AccountRefused
from aula.store.records import NewCard

T0 = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def test_users_are_unique_by_email_and_roles_are_audited(store: Store) -> None:
    user = store.accounts.add_user("Ana@School.org", "teacher", "ana-learner", "hash")
    assert (user.email, user.role, user.learner_id) == ("ana@school.org", "teacher", "ana-learner")
    with pytest.raises(AccountRefused):
        store.accounts.add_user("ana@school.org", "learner", "other", None)
    with pytest.raises(ValueError):
        store.accounts.add_user("not-an-email", "learner", "x", None)
    with pytest.raises(ValueError):
        store.accounts.add_user("b@school.org", "root", "x", None)  # type: ignore[arg-type]
    assert [u.email for u in store.accounts.users()] == ["ana@school.org"]
    store.accounts.set_role("ana@school.org", "admin", actor="cli")
    assert store.accounts.user(user.id).role == "admin"  # type: ignore[union-attr]
    with pytest.raises(AccountRefused) as last:
        store.accounts.set_role("ana@school.org", "learner")
    assert last.value.reason == "last_admin"
    actions = [(e.action, e.detail) for e in store.accounts.audit_entries()]
    assert ("user.role", "teacher -> admin") in actions


def test_sessions_expire_and_close(store: Store) -> None:
    user = store.accounts.add_user("a@b.org", "learner", "l1", "hash")
    store.accounts.open_session("h" * 64, user.id, T0 + timedelta(hours=1), at=T0)
    assert store.accounts.session_user("h" * 64, T0 + MIN) == user
    assert store.accounts.session_user("h" * 64, T0 + timedelta(hours=2)) is None
    assert store.accounts.session_user("x" * 64, T0 + MIN) is None
    store.accounts.close_session("h" * 64)
    assert store.accounts.session_user("h" * 64, T0 + MIN) is None


def test_login_failures_are_counted_per_key_in_a_window(store: Store) -> None:
    keys = ["account:a@b.org", "address:1.2.3.4"]
    for i in range(3):
        store.accounts.record_login_failure(keys, at=T0 + i * MIN)
    store.accounts.record_login_failure(["address:1.2.3.4"], at=T0 + 3 * MIN)
    counts = store.accounts.login_failures([*keys, "address:9.9.9.9"], T0 - MIN)
    assert counts == {"account:a@b.org": 3, "address:1.2.3.4": 4, "address:9.9.9.9": 0}
    assert store.accounts.login_failures(keys, T0 + 90 * timedelta(seconds=1)) == {
        "account:a@b.org": 1,
        "address:1.2.3.4": 2,
    }


def test_links_work_once_and_expire(store: Store) -> None:
    user = store.accounts.add_user("a@b.org", "learner", "l1", None)
    now = datetime.now(UTC)
    store.accounts.issue_link("k" * 64, user.id, now + timedelta(hours=1))
    assert store.accounts.check_link("k" * 64, now).id == user.id
    used = store.accounts.use_link("k" * 64, "newhash")
    assert used.id == user.id and store.accounts.user(user.id).password_hash == "newhash"  # type: ignore[union-attr]
    with pytest.raises(AccountRefused) as again:
        store.accounts.use_link("k" * 64, "other")
    assert again.value.reason == "used"
    assert store.accounts.user(user.id).password_hash == "newhash"  # type: ignore[union-attr]
    store.accounts.issue_link("e" * 64, user.id, now - MIN)
    with pytest.raises(AccountRefused) as expired:
        store.accounts.check_link("e" * 64, now)
    assert expired.value.reason == "expired"
    with pytest.raises(AccountRefused):
        store.accounts.check_link("u" * 64, now)


def test_signing_in_merges_without_losing_or_doubling(store: Store) -> None:
    user = store.accounts.add_user("a@b.org", "learner", "account", "hash")
    # The account answered q twice (wrong at T0+2, right at T0+3) and saw s1 at T0+5.
    store.record_answer("account", "l", "n", "q", ["b"], False, at=T0 + 2 * MIN)
    store.record_answer("account", "l", "n", "q", ["a"], True, at=T0 + 3 * MIN)
    store.record_slide_view("account", "l", "s1", 1, at=T0 + 5 * MIN)
    # Anonymously, earlier: q once (right, at T0), q2, s1 at T0 and s2; a review; a card.
    store.record_answer("anon", "l", "n", "q", ["a"], True, at=T0)
    store.record_answer("anon", "l", "n", "q2", ["c"], True, at=T0 + MIN)
    store.record_slide_view("anon", "l", "s1", 1, at=T0)
    store.record_slide_view("anon", "l", "s2", 2, at=T0 + 6 * MIN)
    store.record_slide_view(
        "anon", "l", "s2", 2, at=T0 + 6 * MIN, cards=[NewCard("term", "t", "{}", T0)]
    )
    store.log_review("anon", "term", "t", 3, at=T0 + 7 * MIN)
    store.record_turn("anon", "what is vram?", "memory", at=T0, refused=False)
    cohort = store.accounts.create_cohort("Class", user.id, "CODE1234")
    store.accounts.join_cohort(cohort.id, "anon")
    store.accounts.join_cohort(cohort.id, "account")

    moved = store.accounts.sign_in(
        user.id, "s" * 64, T0 + timedelta(hours=1), "anon", None, at=T0 + 8 * MIN
    )
    assert moved == 2
    answers = store.answers("account")
    assert len(answers) == 4 and store.answers("anon") == []
    q = sorted((a.answered_at, a.attempt, a.correct) for a in answers if a.question_id == "q")
    # The anonymous right answer came first: it is the first try now; the others follow.
    assert [(at - T0, n, ok) for at, n, ok in q] == [
        (timedelta(0), 1, True),
        (2 * MIN, 2, False),
        (3 * MIN, 3, True),
    ]
    views = {v.slide_id: v for v in store.slide_views("account", "l")}
    assert views["s1"].first_seen_at == T0 and views["s1"].last_seen_at == T0 + 5 * MIN
    assert "s2" in views
    assert store.position("account", "l") == 2  # the later position (s2 at T0+6) wins
    assert [r.rating for r in store.review_logs("account")] == [3]
    assert [c.item_id for c in store.review_cards("account")] == ["t"]
    assert [q.question for q in store.accounts.asked_by("account")] == ["what is vram?"]
    assert [m.learner_id for m in store.accounts.members(cohort.id)] == ["account"]
    assert store.is_retired("anon")
    assert store.accounts.session_user("s" * 64, T0 + 9 * MIN) == user
    # Signing in again from the same (retired) browser id moves nothing twice.
    assert store.accounts.sign_in(user.id, "t" * 64, T0 + timedelta(hours=1), "anon", None) == 0
    assert len(store.answers("account")) == 4


def test_cohorts_join_roster_and_activity(store: Store) -> None:
    teacher = store.accounts.add_user("t@b.org", "teacher", "t-learner", "hash")
    other = store.accounts.add_user("o@b.org", "teacher", "o-learner", "hash")
    cohort = store.accounts.create_cohort("Class", teacher.id, "JOINME12")
    store.accounts.create_cohort("Other", other.id, "OTHER123")
    assert store.accounts.cohort_by_code("JOINME12") == cohort
    assert [c.name for c in store.accounts.cohorts_owned(teacher.id)] == ["Class"]
    assert len(store.accounts.cohorts_owned(None)) == 2
    assert store.accounts.join_cohort(cohort.id, "l1") is True
    assert store.accounts.join_cohort(cohort.id, "l1") is False
    store.record_answer("l1", "l", "n", "q", ["a"], True, at=T0)
    store.record_answer("outsider", "l", "n", "q", ["a"], True, at=T0)
    store.record_turn("l1", "off topic?", "not covered", at=T0 + MIN, refused=True)
    activity = store.accounts.cohort_activity(cohort.id)
    assert [a.learner_id for a in activity.answers] == ["l1"]
    assert activity.last_activity == {"l1": T0 + MIN}
    assert [(q.question, q.refused) for q in activity.asked] == [("off topic?", True)]
    store.accounts.sync_roster(cohort.id, [("l2", "learner"), ("t2", "teacher")], True)
    assert {(m.learner_id, m.role) for m in store.accounts.members(cohort.id)} == {
        ("l2", "learner"),
        ("t2", "teacher"),
    }


@pytest.mark.parametrize("erase_answers", [True, False])
def test_deleting_an_account_keeps_answers_only_anonymously(
    store: Store, erase_answers: bool
) -> None:
    user = store.accounts.add_user("a@b.org", "learner", "mine", "hash")
    store.record_answer("mine", "l", "n", "q", ["a"], True, at=T0)
    store.record_slide_view("mine", "l", "s1", 1, at=T0)
    teacher = store.accounts.add_user("t@b.org", "teacher", "t", "hash")
    cohort = store.accounts.create_cohort("C", teacher.id, "CCCCCCCC")
    store.accounts.join_cohort(cohort.id, "mine")
    assert store.accounts.delete_user(user.id, erase_answers, actor="a@b.org")
    assert store.accounts.user(user.id) is None
    assert store.answers("mine") == [] and store.slide_views("mine", "l") == []
    assert store.accounts.members(cohort.id) == []
    with store._reading() as connection:
        import sqlalchemy as sa

        from aula.store.schema import answers

        left = connection.execute(sa.select(answers.c.learner_id)).scalars().all()
    assert (left == []) == erase_answers
    assert all(x.startswith("erased-") for x in left)
