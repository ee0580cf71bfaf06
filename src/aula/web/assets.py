"""Static assets: URLs that carry a content hash, and the caching those URLs allow.

``/static/aula.css?v=<hash of the file>`` can never name other bytes, so browsers and proxies
may keep it for a year without asking again (``immutable``). A URL without the current hash
(typed by hand, or an old page's) is revalidated every time with its ETag instead.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qs

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def content_versions(folder: Path) -> dict[str, str]:
    """A short content hash of each file in ``folder``, by name."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:10]
        for p in folder.iterdir()
        if p.is_file()
    }


class Assets(StaticFiles):
    """The files in one folder, served with the caching their URL allows."""

    def __init__(self, folder: Path) -> None:
        super().__init__(directory=folder)
        self.versions = content_versions(folder)

    def url(self, name: str) -> str:
        return f"/static/{name}?v={self.versions.get(name, '0')}"

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [])
        current = self.versions.get(Path(full_path).name)
        fixed = current is not None and asked == [current]
        response.headers["cache-control"] = IMMUTABLE if fixed else REVALIDATE
        return response
