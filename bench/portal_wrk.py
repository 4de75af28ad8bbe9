"""Portal throughput and page weight: anonymous home page against a trivial view, under wrk.

Builds the demo world (`seed_demo` plus the portal's demo articles) in a PostgreSQL database
of its own, starts gunicorn with the production settings (config.settings.prod: PostgreSQL,
manifest static files through whitenoise, the database cache; only the HTTPS redirect is off,
since wrk speaks plain HTTP on the loopback), then:

1. checks that /portal/ is served from the shared page cache (X-Portal-Cache: hit),
2. measures the page weight of the home page, a channel and an article (HTML, CSS, JS, fonts,
   as sent with and without gzip) against the budget (HTML <= 50 KB, JS <= 100 KB, all <= 500 KB),
3. runs wrk (20 connections, 20 s each, after a short warm-up) against /healthz and /portal/ in
   the same run, and prints both request rates (and, for comparison, the home page rendered on
   every request: an unknown query parameter bypasses the cache).

Usage: uv run python bench/portal_wrk.py [--workers 4] [--duration 20] [--connections 20]
           [--database-url postgres://postgres@127.0.0.1:5432/jx_portal_bench] [--keep-db]
wrk comes from Debian (`apt-get install -y wrk`); the script installs it when it runs as root.
Traffic goes to 127.0.0.1 only; every run is bounded by --duration.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/jx_portal_bench"

#: The trivial view, the home page as anonymous visitors get it (from the cache), and the home
#: page rendered each time (an unknown query parameter bypasses the cache), for comparison.
RUNS = ("/healthz", "/portal/", "/portal/?bench=render")

BUDGET = {"html": 50 * 1024, "js": 100 * 1024, "total": 500 * 1024}

SETTINGS_SHIM = """\
# Written by bench/portal_wrk.py: the production settings, with static files collected into
# a temporary folder instead of var/static.
from config.settings.prod import *  # noqa: F403

STATIC_ROOT = {static_root!r}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(db_url: str, shim_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(shim_dir), str(ROOT), str(ROOT / "src")]),
            "DJANGO_SETTINGS_MODULE": "bench_portal_settings",
            "DATABASE_URL": db_url,
            "DJANGO_SECRET_KEY": base64.b64encode(os.urandom(40)).decode(),
            "JIANGXIN_FIELD_KEYS": "bench:" + base64.b64encode(os.urandom(32)).decode(),
            "JIANGXIN_BLIND_INDEX_KEY": base64.b64encode(os.urandom(24)).decode(),
            "JIANGXIN_AUDIT_KEY": base64.b64encode(os.urandom(24)).decode(),
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)  # noqa: S603


def _recreate_database(db_url: str) -> None:
    import psycopg

    parts = urlsplit(db_url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"refusing to drop a database named {name!r}")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _build(env: dict[str, str], db_url: str, keep: bool) -> None:
    if not keep:
        print(f"Recreating {urlsplit(db_url).path.lstrip('/')} and building the demo world…")
        _recreate_database(db_url)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "createcachetable")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    if not keep:
        subprocess.run(  # noqa: S603
            [PYTHON, str(ROOT / "manage.py"), "seed_demo"],
            env=env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        _manage(
            env,
            "shell",
            "-c",
            "from jiangxin.portal.demo import build_portal_demo; build_portal_demo()",
        )


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url} in {seconds:.0f} s")


def _get(url: str, gzip_ok: bool = False) -> tuple[bytes, dict[str, str]]:
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback only)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []
        self.img: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet" and a.get("href"):
            self.css.append(a["href"] or "")
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"] or "")
        elif tag == "img" and a.get("src") and not (a["src"] or "").startswith("data:"):
            self.img.append(a["src"] or "")


def _fonts_of(css: bytes, base: str) -> list[str]:
    return [urljoin(base, u) for u in re.findall(rb"url\(['\"]?([^'\")]+\.woff2?)", css)]  # type: ignore[arg-type]


def _page_weight(base: str, path: str) -> dict[str, object]:
    """What a first visit downloads. Fonts count only if the page uses a font-face (the
    portal uses system fonts, so none should appear)."""
    url = base + path
    html, _ = _get(url)
    html_gz, _ = _get(url, gzip_ok=True)
    parser = _Assets()
    parser.feed(html.decode())
    rows: list[tuple[str, str, int, int]] = [("html", path, len(html), len(html_gz))]
    for kind, refs in (("css", parser.css), ("js", parser.js), ("img", parser.img)):
        for ref in refs:
            asset_url = urljoin(url, ref)
            raw, _ = _get(asset_url)
            sent, _ = _get(asset_url, gzip_ok=True)
            rows.append((kind, ref, len(raw), len(sent)))
    totals = {"raw": sum(r[2] for r in rows), "sent": sum(r[3] for r in rows)}
    js = sum(r[2] for r in rows if r[0] == "js")
    ok = rows[0][2] <= BUDGET["html"] and js <= BUDGET["js"] and totals["raw"] <= BUDGET["total"]
    return {"path": path, "rows": rows, "totals": totals, "js": js, "ok": ok}


def _wrk(url: str, connections: int, duration: int, threads: int) -> dict[str, str]:
    out = subprocess.run(  # noqa: S603
        [_wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    latency = re.search(r"Latency\s+([\d.]+\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors:.*", out)
    return {
        "rate": rate.group(1) if rate else "?",
        "latency": latency.group(1) if latency else "?",
        "p99": p99.group(1) if p99 else "?",
        "non2xx": errors.group(1) if errors else "0",
        "socket_errors": socket_errors.group(0) if socket_errors else "none",
        "raw": out,
    }


def _wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    return path


def _ensure_wrk() -> None:
    apt = shutil.which("apt-get")
    if shutil.which("wrk") is None and apt and os.geteuid() == 0:
        subprocess.run([apt, "install", "-y", "-qq", "wrk"], check=True)  # noqa: S603
    _wrk_path()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--keep-db", action="store_true", help="reuse the database as it is")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the benchmark runs on PostgreSQL, like production")
    _ensure_wrk()

    work = Path(tempfile.mkdtemp(prefix="jx-portal-bench-"))
    (work / "bench_portal_settings.py").write_text(
        SETTINGS_SHIM.format(static_root=str(work / "static"))
    )
    env = _env(args.database_url, work)
    _build(env, args.database_url, args.keep_db)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(  # noqa: S603
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "bench_portal_settings"},
        cwd=ROOT,
    )
    try:
        _wait_until_up(base + "/healthz", gunicorn)
        # The first visit renders and stores the page; the next ones are hits.
        _get(base + "/portal/")
        _, headers = _get(base + "/portal/")
        cache_state = headers.get("x-portal-cache", "none")

        from_article = re.search(rb'href="(/portal/a/\d+/)"', _get(base + "/portal/c/policy/")[0])
        pages = ["/portal/", "/portal/c/policy/"]
        if from_article:
            pages.append(from_article.group(1).decode())
        weights = [_page_weight(base, p) for p in pages]

        for path in RUNS:  # warm-up: connections, workers, cache
            warm = [_wrk_path(), "-t1", "-c4", "-d2s", base + path]
            subprocess.run(warm, check=True, capture_output=True)  # noqa: S603
        results = {
            path: _wrk(base + path, args.connections, args.duration, args.threads) for path in RUNS
        }
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
        shutil.rmtree(work, ignore_errors=True)

    print()
    print("=" * 78)
    print(
        f"Portal benchmark: gunicorn {args.workers} sync workers, config.settings.prod, "
        f"PostgreSQL, {os.cpu_count()} cores"
    )
    print(f"/portal/ for an anonymous visitor is served from the page cache: {cache_state}")
    print("-" * 78)
    print("Page weight (bytes as stored / as sent with gzip):")
    for weight in weights:
        totals = weight["totals"]
        print(
            f"  {weight['path']:<22} total {totals['raw']:>8,} / {totals['sent']:>7,}   "  # type: ignore[index]
            f"JS {weight['js']:>6,}   {'within budget' if weight['ok'] else 'OVER BUDGET'}"
        )
        for kind, ref, raw, sent in weight["rows"]:  # type: ignore[attr-defined]
            print(f"      {kind:<4} {raw:>8,} / {sent:>7,}  {ref}")
    print(
        f"  budget: HTML <= {BUDGET['html']:,}, JS <= {BUDGET['js']:,}, "
        f"total <= {BUDGET['total']:,}"
    )
    print("-" * 78)
    print(f"wrk: {args.connections} connections, {args.threads} threads, {args.duration} s each")
    for path, result in results.items():
        print(
            f"  {path:<22} {result['rate']:>9} requests/s   latency avg {result['latency']:>8}"
            f"   p99 {result['p99']:>8}   non-2xx {result['non2xx']}   {result['socket_errors']}"
        )
    trivial = float(results["/healthz"]["rate"])
    for path, label in (("/portal/", "cached"), ("/portal/?bench=render", "rendered")):
        ratio = float(results[path]["rate"]) / trivial
        print(f"  home page ({label}): {ratio:.0%} of the trivial view's rate")
    print("=" * 78)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
