"""Browser end-to-end harness: a live server, Debian's chromium driven by Playwright, demo data.

- One live server per test process (with pytest-xdist: one per worker, each on its own test
  database), in a thread of the test process.
- Each test module shares one database state: the demo world is built once per module with
  `build_demo()` (each test gets fresh one-time two-factor tokens), committed so the server
  thread sees it, and after the module the database is emptied and its earlier content restored.
  This avoids pytest-django's `live_server`/`transactional_db` pattern, which would flush and
  rebuild everything around every single test (seconds each). Each module is one xdist group
  (`--dist loadgroup`, as `./jx test` runs), so its tests run back to back on one worker;
  under any other distribution the module fixture is torn down and rebuilt as the worker
  switches modules, which is slower but still correct.
- One chromium per test process, a new browser context (cookies, storage) per test. Every
  test's final page is saved to test-artifacts/screenshots/<test name>.png.
- Without /usr/bin/chromium the browser tests are skipped, unless CI is set or
  JX_REQUIRE_BROWSER=1: then they fail and say how to install it. `playwright install` is never
  used: its browser download is not available on closed networks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright
    from pytest_django.live_server_helper import LiveServer
    from pytest_django.plugin import DjangoDbBlocker

    from jiangxin.core.demo import DemoLogin

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 320, "height": 640}

# Playwright's sync API keeps an asyncio loop on the main thread; Django would then refuse
# ORM calls made by the test itself (building the demo world) as "async-unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def browser_required() -> bool:
    """CI and JX_REQUIRE_BROWSER=1 turn a missing browser into a failure instead of a skip."""
    ci = os.environ.get("CI", "").strip().lower()
    return ci not in {"", "0", "false", "no"} or os.environ.get("JX_REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists() or browser_required():
        return
    skip = pytest.mark.skip(
        reason=f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install -y chromium)"
    )
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


def close_connections() -> None:
    """Close this context's database connections.

    Playwright's sync API switches the main thread between contextvars contexts (its
    greenlets), and Django keeps connections per context: a connection opened by a fixture
    after a browser call would otherwise stay open, unreachable, and keep PostgreSQL from
    dropping the test database at the end ("being accessed by other users").
    """
    from django.db import connections

    connections.close_all()


# --- Server and data --------------------------------------------------------------------------


def _configured_database_name() -> str:
    from django.conf import settings

    return str(settings.DATABASES["default"]["NAME"])


# Read when this file is imported, before any test database exists (pytest-django renames the
# connection's database when it creates the test one).
CONFIGURED_DATABASE = _configured_database_name()


@pytest.fixture(scope="session")
def e2e_server(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[LiveServer]:
    """The live server of this test process, on 127.0.0.1 (chromium may resolve "localhost"
    to ::1), serving the process's test database and the static files through the finders."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.live_server_helper import LiveServer

    own_databases = None
    with django_db_blocker.unblock():
        if connection.settings_dict["NAME"] == CONFIGURED_DATABASE:
            # pytest-django creates a test database only if a selected test asks for `db`;
            # when only browser tests were selected, create it here.
            own_databases = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        if connection.settings_dict["NAME"] == CONFIGURED_DATABASE:  # never touch a real one
            pytest.fail("browser tests found no test database", pytrace=False)
        server = LiveServer("127.0.0.1:0")
    yield server
    server.stop()
    if own_databases is not None:
        with django_db_blocker.unblock():
            teardown_databases(own_databases, verbosity=0)


@pytest.fixture(scope="module")
def e2e_database(e2e_server: LiveServer, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """Let a module's tests share committed data; afterwards put the database back as it was.

    The tests write in autocommit mode, as the server does, so each sees what the other
    committed. Afterwards the database is emptied and its earlier content (the data
    migrations' rows) reloaded, as Django's serialized rollback does: the tests that follow
    in this process find the database as they expect it.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    from tests import migration_rows

    with django_db_blocker.unblock():
        # Transactional tests with serialized_rollback (they run before the browser tests in
        # the same process) leave the database empty; put the migrations' rows back first.
        if migration_rows.ROWS and not ContentType.objects.exists():
            connection.creation.deserialize_db_from_string(migration_rows.ROWS[0])
        snapshot = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(snapshot)
        close_connections()


@pytest.fixture
def e2e_db_access(e2e_database: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """Database access for the test and for the server thread while the test runs."""
    with django_db_blocker.unblock():
        yield
        close_connections()


@pytest.fixture
def demo(e2e_db_access: None) -> dict[str, DemoLogin]:
    """The demo world, built once per module (idempotent), with fresh one-time 2FA tokens for
    this test; logins by username, role labels in Chinese."""
    from django.utils import translation

    from jiangxin.core.demo import build_demo

    with translation.override("zh-hans"):
        return {login.username: login for login in build_demo()}


# --- Browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Browser tests are required here (CI or JX_REQUIRE_BROWSER=1) but {CHROMIUM} is "
            "missing: install Debian's chromium with `apt-get install -y chromium`.",
            pytrace=False,
        )
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


class BrowserErrors(list[str]):
    """Console errors, CSP refusals and uncaught exceptions seen by one test's pages."""


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture
def page(
    browser: Browser,
    e2e_server: LiveServer,
    e2e_db_access: None,
    browser_errors: BrowserErrors,
    request: pytest.FixtureRequest,
) -> Iterator[Page]:
    """A fresh context (Chinese browser, desktop size) whose final page is screenshotted."""
    # Reduced motion: Bootstrap then has no colour transitions, so axe-core never measures a
    # button halfway through its hover fade.
    context = browser.new_context(
        base_url=e2e_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=DESKTOP,
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()

    def on_console(msg: ConsoleMessage) -> None:
        url = msg.location.get("url", "")
        # Chromium asks every site for /favicon.ico on its own; that is not a page's error.
        if msg.type == "error" and not url.endswith("/favicon.ico"):
            browser_errors.append(f"console {msg.type}: {msg.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: browser_errors.append(f"page error: {exc}"))
    try:
        yield page
    finally:
        try:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        finally:
            context.close()
