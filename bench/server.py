"""The real ``aula serve`` (and nginx, and wrk) for the benchmarks that go over HTTP.

Shared by ``bench/pages.py``, ``bench/load.py``, ``bench/store_writes.py`` and
``bench/startup.py``: each server runs on a free loopback port, with its data (SQLite file,
secret key) in a temporary folder, and is stopped (SIGTERM, then SIGKILL) when the block ends.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import sqlalchemy as sa

LOOPBACK = "127.0.0.1"
PG_ENV = ("AULA_BENCH_DATABASE_URL", "AULA_TEST_DATABASE_URL")
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[bytes]
    started_in: float  # seconds from launch to the first 200
    started_cpu: float  # CPU seconds the server's processes had used by then

    def rss_mb(self) -> float:
        """Resident memory of the server and all its worker processes, in MB."""
        return sum(_rss_kb(pid) for pid in _tree(self.process.pid)) / 1024


def _tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children = task.read_text().split()
        except OSError:
            continue
        for child in children:
            found.extend(_tree(int(child)))
    return found


def process_tree(pid: int) -> list[int]:
    """A process and its live descendants (granian's main process and its workers)."""
    return _tree(pid)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live descendants."""
    ticks = 0
    for each in _tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def aula_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "aula", *args]


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.01)
    raise RuntimeError(f"no 200 from {url} in {timeout} s")


def stop(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            print(f"(the server ignored SIGTERM for {grace} s: killed)", file=sys.stderr)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # any worker left behind
    process.wait()


@contextmanager
def aula_server(
    db: str | None = None,
    workers: int = 1,
    settings: Sequence[tuple[str, str]] = (),
    folder: Path | None = None,
) -> Iterator[Server]:
    """``aula serve`` on a free port; ``db`` defaults to a SQLite file in a temporary folder
    (made in ``folder``, default the system's)."""
    with tempfile.TemporaryDirectory(prefix="aula-bench-serve-", dir=folder) as temp:
        port = free_port()
        args = ["serve", "--port", str(port), "-s", "data_dir", temp, "-s", "workers", str(workers)]
        if db is not None:
            args += ["--db", db]
        for name, value in settings:
            args += ["-s", name, value]
        log = (Path(temp) / "server.log").open("wb")
        env = {k: v for k, v in os.environ.items() if k != "AULA_SETTINGS_JSON"}
        start = time.perf_counter()
        process = subprocess.Popen(
            aula_command(*args), stdout=log, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,
        )  # fmt: skip
        url = f"http://{LOOPBACK}:{port}"
        try:
            wait_for(url + "/", process, timeout=120)
            elapsed = time.perf_counter() - start
            yield Server(url, process, elapsed, cpu_seconds(process.pid))
        except RuntimeError:
            log.flush()
            print((Path(temp) / "server.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            stop(process)
            log.close()


def postgres_server_url() -> str | None:
    """The PostgreSQL server to use, when one answers."""
    url = next((os.environ[v] for v in PG_ENV if os.environ.get(v)), PG_DEFAULT)
    try:
        with psycopg.connect(_plain(url), connect_timeout=2):
            return url
    except psycopg.Error:
        return None


def _plain(url: str) -> str:
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def postgres_schema(server_url: str) -> Iterator[str]:
    """A database URL whose tables live in a fresh schema, dropped afterwards, so that other
    people's tests on the same server are not disturbed."""
    schema = f"aula_bench_{secrets.token_hex(8)}"
    plain = sa.make_url(server_url).set(drivername="postgresql")
    with psycopg.connect(_plain(server_url), autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            scoped = plain.update_query_dict({"options": f"-csearch_path={schema}"})
            yield scoped.render_as_string(hide_password=False)
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


NGINX_CONF = """
daemon off;
master_process on;
user root;
worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    keepalive_requests 1000000;
    server {{
        listen {host}:{port};
{locations}
    }}
}}
"""


@contextmanager
def nginx(files: dict[str, tuple[bytes, str]], workers: int = 1) -> Iterator[str]:
    """nginx serving ``files`` (name -> (bytes, content type)) at ``/name``; yields its URL."""
    with tempfile.TemporaryDirectory(prefix="aula-bench-nginx-") as temp:
        root = Path(temp)
        locations = []
        for name, (body, content_type) in files.items():
            (root / name).write_bytes(body)
            locations.append(
                f'        location = /{name} {{ default_type "{content_type}"; '
                f"alias {root / name}; }}"
            )
        port = free_port()
        conf = root / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                workers=workers, root=root, host=LOOPBACK, port=port, locations="\n".join(locations)
            )
        )
        process = subprocess.Popen(
            ["nginx", "-c", str(conf), "-p", str(root), "-e", str(root / "error.log")],
            start_new_session=True,
        )
        url = f"http://{LOOPBACK}:{port}"
        try:
            wait_for(f"{url}/{next(iter(files))}", process, timeout=10)
            yield url
        finally:
            stop(process, grace=5)


BALANCER_CONF = """
daemon off;
master_process on;
user root;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    keepalive_requests 1000000;
    upstream aula {{
{servers}
        keepalive 128;
    }}
    server {{
        listen {host}:{port};
        location / {{
            proxy_pass http://aula;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Request-ID $request_id;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A server that refuses or drops the connection: the request goes to the next one.
            # nginx never re-sends a POST that already reached a server (no non_idempotent).
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
        }}
        location = /api/progress/slides {{
            # The slide-view beacon is idempotent (it marks a slide seen): a POST lost with
            # its server is sent again to the next one.
            proxy_pass http://aula;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Request-ID $request_id;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


@contextmanager
def nginx_balancer(upstreams: Sequence[str]) -> Iterator[str]:
    """nginx spreading requests over ``upstreams`` (``http://host:port`` each), as in
    docs/deploy.md; yields its URL."""
    with tempfile.TemporaryDirectory(prefix="aula-bench-balancer-") as temp:
        root = Path(temp)
        servers = "\n".join(
            f"        server {u.removeprefix('http://')} max_fails=1 fail_timeout=30s;"
            for u in upstreams
        )
        port = free_port()
        conf = root / "nginx.conf"
        conf.write_text(BALANCER_CONF.format(root=root, host=LOOPBACK, port=port, servers=servers))
        process = subprocess.Popen(
            ["nginx", "-c", str(conf), "-p", str(root), "-e", str(root / "error.log")],
            start_new_session=True,
        )
        url = f"http://{LOOPBACK}:{port}"
        try:
            wait_for(f"{url}/healthz", process, timeout=10)
            yield url
        finally:
            stop(process, grace=5)
            if os.environ.get("BENCH_NGINX_LOG"):
                print((root / "error.log").read_text()[-4000:], file=sys.stderr)


@dataclass(frozen=True)
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors and non-2xx/3xx answers
    requests: int = 0  # answered in all


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(
    url: str, headers: Sequence[str] = (), seconds: int = 10, connections: int = 64
) -> WrkResult:
    """Run wrk (-t2, --latency) against one URL and read its summary."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = 0
    if found := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(found.group(1))
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(g) for g in found.groups())
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return WrkResult(rate, p50, p99, errors, total)
