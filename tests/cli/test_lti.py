"""``aula lti``: registering a platform, listing it, rotating Aula's key."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path


def aula(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AULA_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "aula", "lti", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


PLATFORM = [
    "--issuer",
    "https://moodle.example.edu",
    "--client-id",
    "abc123",
    "--deployment-id",
    "1",
    "--deployment-id",
    "2",
    "--auth-login-url",
    "https://moodle.example.edu/mod/lti/auth.php",
    "--auth-token-url",
    "https://moodle.example.edu/mod/lti/token.php",
    "--jwks-url",
    "https://moodle.example.edu/mod/lti/certs.php",
]


def test_a_platform_is_registered_listed_and_the_key_made_private(tmp_path: Path) -> None:
    added = aula(tmp_path, "add-platform", *PLATFORM)
    assert added.returncode == 0, added.stderr
    assert "Registered https://moodle.example.edu (client abc123)" in added.stdout
    assert "/lti/config.json" in added.stdout
    listed = json.loads(aula(tmp_path, "platforms", "--json").stdout)
    assert listed == [
        {
            "issuer": "https://moodle.example.edu",
            "client_id": "abc123",
            "auth_login_url": "https://moodle.example.edu/mod/lti/auth.php",
            "auth_token_url": "https://moodle.example.edu/mod/lti/token.php",
            "key_set_url": "https://moodle.example.edu/mod/lti/certs.php",
            "deployment_ids": ["1", "2"],
        }
    ]
    [key] = (tmp_path / "lti-keys").glob("*.pem")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    rotated = aula(tmp_path, "rotate-key")
    assert rotated.returncode == 0 and "New LTI signing key" in rotated.stdout
    assert len(list((tmp_path / "lti-keys").glob("*.pem"))) == 2


def test_a_url_that_is_not_one_is_refused_and_nothing_is_registered(tmp_path: Path) -> None:
    bad = [*PLATFORM[:-1], "moodle.example.edu/certs"]
    result = aula(tmp_path, "add-platform", *bad)
    assert result.returncode == 2
    assert "--jwks-url" in result.stderr and "Traceback" not in result.stderr
    assert "No platform registered" in aula(tmp_path, "platforms").stdout
