"""``aula users``: run as a user would, in a subprocess, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from aula.services.accounts import link_user
from aula.store import Store


def aula(
    *args: str, stdin: str | None = None, db: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AULA_")}
    if db is not None:
        env["AULA_DATABASE_URL"] = db
    return subprocess.run(
        [sys.executable, "-m", "aula", "users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_add_list_set_role_and_links(database_url: str) -> None:
    added = aula(
        "add",
        "T@School.org",
        "--role",
        "teacher",
        "--password-stdin",
        "--db",
        database_url,
        stdin="correct horse battery\n",
    )
    assert added.returncode == 0, added.stderr
    assert "Added t@school.org (teacher)" in added.stdout
    # Without a password: a one-time link, honouring AULA_DATABASE_URL.
    linked = aula("add", "ana@school.org", "--base-url", "https://aula.school.org", db=database_url)
    assert linked.returncode == 0, linked.stderr
    link = linked.stdout.strip().splitlines()[-1]
    assert link.startswith("https://aula.school.org/account/link/")
    with Store.open(database_url) as store:
        assert link_user(store, link.rsplit("/", 1)[1]).email == "ana@school.org"
        assert store.accounts.user_by_email("t@school.org").password_hash.startswith("$argon2id$")  # type: ignore[union-attr]
    listed = json.loads(aula("list", "--json", "--db", database_url).stdout)
    assert [(u["email"], u["role"], u["password"]) for u in listed] == [
        ("ana@school.org", "learner", False),
        ("t@school.org", "teacher", True),
    ]
    promoted = aula("set-role", "ana@school.org", "admin", "--db", database_url)
    assert promoted.returncode == 0 and "is now admin" in promoted.stdout
    with Store.open(database_url) as store:
        entries = [(e.actor, e.action, e.subject) for e in store.accounts.audit_entries()]
    assert ("cli", "user.role", "ana@school.org") in entries
    logged = json.loads(aula("audit", "--json", "--db", database_url).stdout)
    assert logged[0]["action"] == "user.role" and logged[0]["detail"] == "learner -> admin"


def test_bad_input_is_a_one_line_error_and_changes_nothing(database_url: str) -> None:
    assert aula("add", "a@school.org", "--db", database_url).returncode == 0
    for args, stdin, message in (
        (("add", "a@school.org"), None, "already an account"),
        (("add", "not-an-email"), None, "not an email address"),
        (("add", "b@school.org", "--password-stdin"), "short\n", "at least 10"),
        (("set-role", "nobody@school.org", "teacher"), None, "no account"),
        (("link", "nobody@school.org"), None, "no account"),
    ):
        result = aula(*args, "--db", database_url, stdin=stdin)
        assert result.returncode == 1 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    bad_role = aula("add", "c@school.org", "--role", "root", "--db", database_url)
    assert bad_role.returncode == 2
    listed = json.loads(aula("list", "--json", "--db", database_url).stdout)
    assert [u["email"] for u in listed] == ["a@school.org"]
