"""Browser fixtures: a live server on a free loopback port and a Playwright page.

- ``live_server`` (module scope): the app served by werkzeug in a thread on a fresh,
  migrated SQLite database with the demo data seeded (every demo account's password
  is ``DEMO_PASSWORD``). Attributes: ``url``, ``app``, ``demo`` (DemoResult),
  ``invitation_url`` and ``login(page, email)``.
- ``page``: a fresh Chromium page (``/usr/bin/chromium``). Browser tests are marked
  ``browser`` automatically; they skip when Chromium is missing unless REQUIRE_BROWSER=1.
- ``axe_check(page)``: runs the vendored axe-core and returns serious/critical violations.
- ``screenshot(page, name)``: saves artifacts/screenshots/<name>.png and returns the path.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from tests.conftest import migrate_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "demo password for browser tests"
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
AXE = "/static/vendor/axe-core/axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser as ``browser``."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    """A running app and how to reach it."""

    url: str
    app: Flask
    demo: Any
    errors: list[str] = field(default_factory=list)

    @property
    def invitation_url(self) -> str | None:
        """Return the demo candidate link, if the demo assessment exists."""
        token = getattr(self.demo, "invitation_token", None)
        return f"{self.url}/i/{token}" if token else None

    def login(self, page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
        """Sign ``page`` in through the login form."""
        page.goto(f"{self.url}/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("domcontentloaded")


def _require_chromium() -> None:
    """Skip (or fail under REQUIRE_BROWSER=1) when Chromium is not installed."""
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail("REQUIRE_BROWSER=1 but /usr/bin/chromium is missing")
    pytest.skip("Chromium not installed at /usr/bin/chromium")


def _seed(app: Flask) -> Any:
    """Seed the demo data with the fixed browser-test password."""
    from simulator.services import demo, library

    with app.app_context():
        env = {demo.PASSWORD_ENV: DEMO_PASSWORD}
        return demo.seed(library.catalog(), app.extensions["simulator.clock"](), env)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve a freshly seeded app on a free 127.0.0.1 port for this module."""
    _require_chromium()
    from simulator.store.db import db
    from simulator.web import create_app

    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    uri = f"sqlite:///{path}"
    migrate_database(uri)
    app = create_app({
        "SECRET_KEY": "live-server-secret",
        "SQLALCHEMY_DATABASE_URI": uri,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": True,
    })
    app.instance_path = str(path.parent)
    demo_result = _seed(app)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, demo=demo_result)
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Launch headless Chromium once per session."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """Return a fresh page (own cookies); ``page.console_errors`` collects JS errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    new_page.on("pageerror", lambda e: errors.append(str(e)))
    new_page.console_errors = errors
    new_page.set_default_timeout(15000)
    yield new_page
    context.close()


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Inject the vendored axe-core (same origin, CSP-safe) and return blocking violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE)
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]


@pytest.fixture
def axe_check() -> Callable[[Any], list[dict[str, Any]]]:
    """Return ``axe_check(page)`` → serious/critical violations (empty list = pass)."""
    return run_axe


def save_screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot to artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """Return ``screenshot(page, name)``."""
    return save_screenshot
