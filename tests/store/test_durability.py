"""An answer the store acknowledged survives the process being killed (SIGKILL) at once."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from aula.store import Store

WRITER = textwrap.dedent(
    """
    import sys, time
    from aula.store import Store

    store = Store.open(sys.argv[1])
    for i in range(100_000):
        record = store.record_answer("ana", "lesson", "node", f"q{i % 5}", ["a"], i % 2 == 0)
        print("ack", record.id, flush=True)  # only after record_answer returned
    time.sleep(60)
    """
)


def test_acknowledged_answers_survive_kill_9(database_url: str) -> None:
    acked: list[int] = []
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, database_url], stdout=subprocess.PIPE, text=True
    ) as writer:
        assert writer.stdout is not None
        for line in writer.stdout:
            word, answer_id = line.split()
            assert word == "ack"
            acked.append(int(answer_id))
            if len(acked) == 25:
                # Killed while it is busy writing the next answers, not at a quiet moment.
                writer.send_signal(signal.SIGKILL)
                break
        writer.stdout.close()
        assert writer.wait() == -signal.SIGKILL

    with Store.open(database_url) as store:
        stored = store.answers("ana")

    assert set(acked) <= {a.id for a in stored}
    # Whatever else got in before the kill is whole: attempts still count 1, 2, 3… per question.
    for question in {a.question_id for a in stored}:
        attempts = sorted(a.attempt for a in stored if a.question_id == question)
        assert attempts == list(range(1, len(attempts) + 1))
