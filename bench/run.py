"""Load and scale benchmark of a real ``hub serve``, against a minimal ceiling app.

    uv run python bench/run.py --scale small            # the full small-scale run (minutes)
    uv run python bench/run.py --scale large            # ~1M notices, 100k members (long)
    uv run python bench/run.py --smoke                  # seconds; run by the test suite
    uv run python bench/run.py --database-url postgresql://postgres@127.0.0.1:5432/bench

It creates a fresh hub folder, seeds demo data through every plugin's demo-data hook, starts
``hub serve`` (production settings, one worker), drives load with ``wrk`` from a separate process
on 127.0.0.1 at concurrency 1, 10 and 50, and writes ``bench/results/<name>.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
MIXED_LUA = ROOT / "bench" / "mixed.lua"
ADMIN_EMAIL = "bench-admin@example.org"
ADMIN_PASSWORD = "bench admin passphrase"
DEMO_MEMBER = "demo1@example.org"


@dataclass
class Figure:
    page: str
    who: str
    concurrency: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    queries: int | None = None
    ratio_to_ceiling: float | None = None


@dataclass
class Report:
    scale: str
    database: str
    duration_s: float
    machine: dict[str, Any]
    startup_s: float = 0.0
    seed_s: float = 0.0
    peak_rss_mb: float = 0.0
    start_rss_mb: float = 0.0
    end_rss_mb: float = 0.0
    figures: list[Figure] = field(default_factory=list)
    ceiling: list[Figure] = field(default_factory=list)
    mixed: dict[str, Any] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def hub_command(*args: str, env: dict[str, str], cwd: Path, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "hub", *args],
        env=env,
        cwd=cwd,
        input=stdin,
        text=True,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"hub {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def make_hub(folder: Path, database_url: str | None) -> dict[str, str]:
    (folder / "hub.toml").write_text(
        "[hub]\n"
        f'hub_name = "Benchmark Hub"\nsecret_key = "{secrets.token_urlsafe(48)}"\n'
        'registration = "open"\nallowed_hosts = ["127.0.0.1", "localhost"]\n'
        "rate_limit_per_minute = 100000000\n"
        # Abuse limits would turn load into 429s/400s: the benchmark measures serving, not them.
        "[plugins.directory]\nbrowse_limit = 100000000\n"
        "[plugins.noticeboard]\nnew_member_days = 0\n",
        encoding="utf-8",
    )
    env = {**os.environ, "HUB_DIR": str(folder)}
    env.pop("HUB_PLUGINS", None)
    if database_url:
        env["HUB_DATABASE_URL"] = database_url
    return env


@contextlib.contextmanager
def serving(
    command: list[str], env: dict[str, str], cwd: Path, health_url: str
) -> Iterator[tuple[subprocess.Popen[str], float]]:
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"server exited early:\n{process.stderr.read() if process.stderr else ''}")
            try:
                if httpx.get(health_url, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise SystemExit("server did not answer within 120 s")
        yield process, time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


class RssWatcher(threading.Thread):
    """Samples the server's resident memory; VmHWM also gives the kernel's own peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.current_kb = 0
        self.stop = threading.Event()

    def sample(self) -> None:
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{self.pid}/status").read_text()
            for key in ("VmHWM", "VmRSS"):
                match = re.search(rf"{key}:\s+(\d+) kB", status)
                if match:
                    self.peak_kb = max(self.peak_kb, int(match.group(1)))
                    if key == "VmRSS":
                        self.current_kb = int(match.group(1))

    def run(self) -> None:
        while not self.stop.wait(0.2):
            self.sample()


def parse_wrk(output: str) -> tuple[float, float, float, int, int]:
    if "Latency Distribution" not in output or "-nan" in output:
        raise SystemExit(f"wrk measured nothing (did every request fail?):\n{output}")

    def to_ms(value: str) -> float:
        match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
        if match is None:
            raise SystemExit(f"cannot read wrk latency {value!r} in:\n{output}")
        number, unit = float(match.group(1)), match.group(2)
        return {"us": number / 1000, "ms": number, "s": number * 1000, "m": number * 60_000}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(g) for g in match.groups())
    return rps, p50, p99, errors, total


def wrk(
    url: str,
    concurrency: int,
    duration: float,
    cookie: str | None = None,
    script: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> str:
    command = ["wrk", "--latency", f"-t{min(concurrency, 2)}", f"-c{concurrency}", f"-d{max(1, round(duration))}s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    result = subprocess.run(
        command, capture_output=True, text=True, check=True, env={**os.environ, **(extra_env or {})}
    )
    return result.stdout


def sign_in(base: str, email: str, password: str) -> tuple[str, str]:
    """A signed-in member's cookie header and CSRF token, obtained through the real login form."""
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        client.get("/account/login")
        token = client.cookies.get("hub_csrf", "")
        response = client.post("/account/login", data={"email": email, "password": password, "_csrf_token": token})
        if response.status_code not in (302, 303):
            raise SystemExit(f"benchmark sign-in failed: {response.status_code}")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        return cookie, token


def pages(database: Path | None, database_url: str | None, active: list[str]) -> dict[str, str]:
    """The measured pages, with ids picked from the seeded data."""
    found = {"home": "/"}
    notice_id = _busiest_notice(database, database_url) if "noticeboard" in active else None
    if "noticeboard" in active:
        found["noticeboard list"] = "/noticeboard/"
        if notice_id:
            found["notice with replies"] = f"/noticeboard/{notice_id}"
    if "directory" in active:
        found["directory search"] = "/directory/?q=a"
    if "skillswap" in active:
        found["skill-swap list"] = "/skillswap/"
    return found


def _busiest_notice(database: Path | None, database_url: str | None) -> int | None:
    # The public, open notice with the most replies (one that still takes replies).
    sql = (
        "SELECT r.post, COUNT(*) AS n FROM noticeboard_reply r JOIN noticeboard_post p ON p.id = r.post "
        "WHERE p.status = 'open' AND p.replies_open AND NOT p.hidden AND p.audience = 'public' "
        "AND (p.expires_at IS NULL OR p.expires_at > CURRENT_TIMESTAMP) GROUP BY r.post ORDER BY n DESC LIMIT 1"
    )
    if database_url:
        import asyncpg

        async def fetch() -> int | None:
            connection = await asyncpg.connect(database_url)
            try:
                row = await connection.fetchrow(sql)
                return int(row["post"]) if row else None
            finally:
                await connection.close()

        return asyncio.run(fetch())
    assert database is not None
    with contextlib.closing(sqlite3.connect(database)) as connection:
        row = connection.execute(sql).fetchone()
        return int(row[0]) if row else None


CEILING_ROWS = "SELECT id, title, body, created_at FROM noticeboard_post ORDER BY created_at DESC, id DESC LIMIT 20"


def ceiling_copy(database_url: str, target: Path) -> Path:
    """For a PostgreSQL run: the newest 20 notices in a SQLite file, so the ceiling renders the same rows."""
    import asyncpg

    async def fetch() -> list[Any]:
        connection = await asyncpg.connect(database_url)
        try:
            return list(await connection.fetch(CEILING_ROWS))
        finally:
            await connection.close()

    rows = asyncio.run(fetch())
    with contextlib.closing(sqlite3.connect(target)) as connection:
        connection.execute(
            "CREATE TABLE noticeboard_post (id INTEGER PRIMARY KEY, title TEXT, body TEXT, created_at TIMESTAMP)"
        )
        connection.executemany(
            "INSERT INTO noticeboard_post VALUES (?, ?, ?, ?)",
            [(row["id"], row["title"], row["body"], row["created_at"].isoformat()) for row in rows],
        )
        connection.commit()
    return target


def queries_per_page(
    env: dict[str, str], urls: dict[str, str], cookie_email: str, password: str
) -> dict[tuple[str, str], int]:
    """SQL statements each page runs, counted in-process against the same database."""
    code = f"""
import asyncio, json, os
from hub.core.app import create_app
from hub.core.db import count_queries
from hub.core.settings import load_settings
from hub.testing import running

async def main():
    settings = load_settings().with_overrides(allowed_hosts=("testserver.local",))
    app = create_app(settings, migrate=False)
    results = {{}}
    async with running(app) as client:
        for who in ("anonymous", "member"):
            if who == "member":
                await client.login({cookie_email!r}, {password!r})
            for name, url in {urls!r}.items():
                await client.get(url)
                with count_queries() as counter:
                    response = await client.get(url)
                results[f"{{name}}|{{who}}"] = counter.count if response.status_code == 200 else -response.status_code
    print(json.dumps(results))

asyncio.run(main())
"""
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print(result.stderr[-2000:], file=sys.stderr)
        return {}
    raw = json.loads(result.stdout.strip().splitlines()[-1])
    return {tuple(key.split("|")): value for key, value in raw.items()}  # type: ignore[misc]


def mixed_run(
    base: str,
    notice_id: int,
    cookie: str,
    token: str,
    concurrency: int,
    duration: float,
    database: Path | None,
    database_url: str | None,
) -> dict[str, Any]:
    marker = f"bench{secrets.token_hex(4)}"
    output = wrk(
        f"{base}/noticeboard/{notice_id}",
        concurrency,
        duration,
        cookie=cookie,
        script=MIXED_LUA,
        extra_env={
            "BENCH_TOKEN": token,
            "BENCH_MARKER": marker,
            "BENCH_REPLY_PATH": f"/noticeboard/{notice_id}/replies",
        },
    )
    acknowledged = int(re.search(r"acknowledged_posts=(\d+)", output).group(1))  # type: ignore[union-attr]
    failed = int(re.search(r"failed_posts=(\d+)", output).group(1))  # type: ignore[union-attr]
    rps, p50, p99, errors, total = parse_wrk(output)
    sql = (
        "SELECT body FROM noticeboard_reply WHERE body LIKE $1"
        if database_url
        else "SELECT body FROM noticeboard_reply WHERE body LIKE ?"
    )
    bodies = _fetch_bodies(sql, f"{marker}-%", database, database_url)
    stored = len(bodies)
    return {
        "concurrency": concurrency,
        "requests": total,
        "requests_per_second": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "errors": errors,
        "acknowledged_posts": acknowledged,
        "failed_posts": failed,
        "stored_posts": stored,
        "duplicates": stored - len(set(bodies)),
        "lost": max(0, acknowledged - len(set(bodies))),
    }


def _fetch_bodies(sql: str, pattern: str, database: Path | None, database_url: str | None) -> list[str]:
    if database_url:
        import asyncpg

        async def fetch() -> list[str]:
            connection = await asyncpg.connect(database_url)
            try:
                return [row["body"] for row in await connection.fetch(sql, pattern)]
            finally:
                await connection.close()

        return asyncio.run(fetch())
    assert database is not None
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return [row[0] for row in connection.execute(sql, (pattern,))]


def markdown(report: Report) -> str:
    lines = [
        f"### {report.scale} scale on {report.database}",
        "",
        f"Machine: {report.machine['cpus']} CPUs, Python {report.machine['python']}, {report.machine['system']}. "
        f"Seeding: {report.seed_s:.1f} s. Startup to first 200: {report.startup_s:.2f} s. "
        f"RSS of the hub process: {report.start_rss_mb:.1f} MB at start, {report.end_rss_mb:.1f} MB after the "
        f"load runs, {report.peak_rss_mb:.1f} MB at peak.",
        "",
        "| Page | Who | Conc. | req/s | p50 ms | p99 ms | errors | SQL/page | × ceiling |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for fig in report.figures:
        ratio = f"{fig.ratio_to_ceiling:.2f}" if fig.ratio_to_ceiling is not None else "–"
        lines.append(
            f"| {fig.page} | {fig.who} | {fig.concurrency} | {fig.requests_per_second:.0f} | {fig.p50_ms:.2f} | "
            f"{fig.p99_ms:.2f} | {fig.errors} | {fig.queries if fig.queries is not None else '–'} | {ratio} |"
        )
    for fig in report.ceiling:
        lines.append(
            f"| *ceiling* | – | {fig.concurrency} | {fig.requests_per_second:.0f} | {fig.p50_ms:.2f} "
            f"| {fig.p99_ms:.2f} | {fig.errors} | 1 | 1.00 |"
        )
    if report.mixed:
        m = report.mixed
        lines += [
            "",
            f"Mixed run (90 % reads, 10 % replies) at concurrency {m['concurrency']}: "
            f"{m['requests_per_second']:.0f} req/s, "
            f"p50 {m['p50_ms']:.2f} ms, p99 {m['p99_ms']:.2f} ms, errors {m['errors']}, acknowledged replies "
            f"{m['acknowledged_posts']}, stored {m['stored_posts']}, duplicates {m['duplicates']}, lost {m['lost']}.",
        ]
    return "\n".join(line for line in lines if line is not None) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["small", "large"], default="small")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (an empty database); default SQLite")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--smoke", action="store_true", help="a few seconds in all: proves the benchmark runs")
    parser.add_argument("--name", default=None, help="results file name (default from scale and database)")
    parser.add_argument("--keep", action="store_true", help="keep the hub folder")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    duration = 1.0 if args.smoke else args.duration
    levels = [1] if args.smoke else [1, 10, 50]
    folder = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    env = make_hub(folder, args.database_url)
    database = None if args.database_url else folder / "data" / "hub.sqlite3"
    report = Report(
        scale="smoke" if args.smoke else args.scale,
        database="PostgreSQL" if args.database_url else "SQLite",
        duration_s=duration,
        machine={"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
    )
    try:
        hub_command("migrate", env=env, cwd=folder)
        hub_command(
            "createadmin", "--email", ADMIN_EMAIL, "--password-stdin", env=env, cwd=folder, stdin=ADMIN_PASSWORD + "\n"
        )
        started = time.perf_counter()
        hub_command("demo-data", "--scale", "small" if args.smoke else args.scale, env=env, cwd=folder)
        report.seed_s = time.perf_counter() - started
        # A hub that has been running is up to date with its periodic jobs; freshly seeded demo
        # data is not (at large scale the first expiry-reminder run writes thousands of
        # notifications). Run the due jobs once now, so the load runs measure serving.
        hub_command("jobs", "run", env=env, cwd=folder)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = [sys.executable, "-m", "hub", "serve", "--port", str(port), "--no-migrate"]
        with serving(serve, env, folder, f"{base}/-/health") as (process, startup):
            report.startup_s = startup
            watcher = RssWatcher(process.pid)
            watcher.sample()
            report.start_rss_mb = watcher.current_kb / 1024
            watcher.start()
            active = httpx.get(f"{base}/-/health").json()["plugins"]
            urls = pages(database, args.database_url, active)
            from hub.core.demo import DEMO_PASSWORD

            cookie, token = sign_in(base, DEMO_MEMBER, DEMO_PASSWORD)
            counts = queries_per_page(env, urls, DEMO_MEMBER, DEMO_PASSWORD)
            for name, url in urls.items():
                for who, who_cookie in (("anonymous", None), ("member", cookie)):
                    for level in levels:
                        rps, p50, p99, errors, total = parse_wrk(wrk(base + url, level, duration, cookie=who_cookie))
                        report.figures.append(
                            Figure(name, who, level, rps, p50, p99, errors, total, counts.get((name, who)))
                        )
            notice = urls.get("notice with replies")
            if notice:
                report.mixed = mixed_run(
                    base,
                    int(notice.rsplit("/", 1)[1]),
                    cookie,
                    token,
                    10 if args.smoke else 50,
                    duration * (1 if args.smoke else 3),
                    database,
                    args.database_url,
                )
            watcher.stop.set()
            watcher.sample()
            report.peak_rss_mb = watcher.peak_kb / 1024
            report.end_rss_mb = watcher.current_kb / 1024
        if "noticeboard" in active:
            ceiling_db = database or ceiling_copy(args.database_url or "", folder / "ceiling.sqlite3")
            ceiling_port = free_port()
            ceiling_env = {**env, "CEILING_DB": str(ceiling_db), "PYTHONPATH": str(ROOT)}
            command = [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.ceiling:app",
                "--port",
                str(ceiling_port),
                "--log-level",
                "warning",
            ]
            with serving(command, ceiling_env, ROOT, f"http://127.0.0.1:{ceiling_port}/"):
                for level in levels:
                    rps, p50, p99, errors, total = parse_wrk(wrk(f"http://127.0.0.1:{ceiling_port}/", level, duration))
                    report.ceiling.append(Figure("ceiling", "-", level, rps, p50, p99, errors, total, 1, 1.0))
            by_level = {fig.concurrency: fig.requests_per_second for fig in report.ceiling}
            for fig in report.figures:
                if by_level.get(fig.concurrency):
                    fig.ratio_to_ceiling = fig.requests_per_second / by_level[fig.concurrency]
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = args.name or f"{report.scale}-{report.database.lower()}"
    (RESULTS / f"{name}.json").write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
    table = markdown(report)
    (RESULTS / f"{name}.md").write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
