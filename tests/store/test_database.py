from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aula.store import Store

from .helpers import at


def test_everything_is_still_there_after_a_restart(database_url: str) -> None:
    with Store.open(database_url) as store:
        store.record_slide_view("ana", "lesson", "kingdoms", 2, at=at(0))
        answer = store.record_answer("ana", "lesson", "node", "q", ["a"], True, at=at(1))
        store.save_review_card("ana", "term", "gguf", '{"s": 1}', at(2))
        store.log_review("ana", "term", "gguf", 3, at=at(3))
        before = (store.review_cards("ana"), store.review_logs("ana"))

    with Store.open(database_url) as store:
        assert store.position("ana", "lesson") == 2
        assert store.slides_seen("ana", "lesson") == {"kingdoms"}
        assert store.answers("ana") == [answer]
        assert (store.review_cards("ana"), store.review_logs("ana")) == before
        assert store.record_answer("ana", "lesson", "node", "q", ["b"], False).attempt == 2


def test_a_sqlite_store_names_its_file(tmp_path: Path) -> None:
    path = tmp_path / "aula.db"
    with Store.open(f"sqlite:///{path}") as store:
        assert store.engine_name == "sqlite"
        assert store.sqlite_path == path
        assert store.url == f"sqlite:///{path}"
        assert repr(store) == f"Store('sqlite:///{path}')"
    assert path.is_file()


def test_the_url_never_shows_a_password(store: Store) -> None:
    assert "***" in store.url or ":" not in store.url.split("@")[0].split("//")[1]
    if store.engine_name == "postgresql":
        assert store.sqlite_path is None
        assert store.url.startswith("postgresql://")


def test_a_thread_pool_can_read_and_write_at_once(store: Store) -> None:
    # The web layer calls the store from a thread pool; reads must not block on writes.
    def work(i: int) -> int:
        learner = f"learner-{i % 4}"
        store.record_slide_view(learner, "lesson", f"s{i % 7}", i % 7 + 1)
        store.record_answer(learner, "lesson", "node", "q", [f"c{i % 3}"], i % 2 == 0)
        return len(store.answers(learner)) + len(store.slides_seen(learner, "lesson"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(40)))

    assert all(r >= 2 for r in results)
    assert sum(len(store.answers(f"learner-{n}")) for n in range(4)) == 40
    for n in range(4):
        attempts = sorted(a.attempt for a in store.answers(f"learner-{n}"))
        assert attempts == list(range(1, 11))
