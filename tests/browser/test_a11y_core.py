"""axe-core finds no serious or critical violations on the WEB-CORE pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

PAGES = [
    ("login", None, "/login"),
    ("index", None, "/"),
    ("admin-users", "admin@demo.local", "/admin/users"),
    ("admin-new-user", "admin@demo.local", "/admin/users/new"),
    ("admin-library", "admin@demo.local", "/admin/library"),
    ("interviewer-assessments", "interviewer@demo.local", "/interviewer/assessments"),
    ("interviewer-new", "interviewer@demo.local", "/interviewer/assessments/new"),
    ("interviewer-detail", "interviewer@demo.local", "DEMO_ASSESSMENT"),
    ("not-found", None, "/no-such-page"),
]


@pytest.mark.parametrize(("name", "email", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_no_serious_violations(live_server: Any, page: Any,
                               axe_check: Callable[[Any], list[dict[str, Any]]],
                               name: str, email: str | None, path: str) -> None:
    if email:
        live_server.login(page, email)
    if path == "DEMO_ASSESSMENT":
        assert live_server.demo.assessment_id is not None
        path = f"/interviewer/assessments/{live_server.demo.assessment_id}"
    page.goto(f"{live_server.url}{path}")
    violations = axe_check(page)
    assert violations == [], violations
    errors = [e for e in page.console_errors if not (name == "not-found" and "404" in e)]
    assert errors == []


def test_invalid_form_is_accessible(live_server: Any, page: Any,
                                    axe_check: Callable[[Any], list[dict[str, Any]]]) -> None:
    live_server.login(page, "admin@demo.local")
    page.goto(f"{live_server.url}/admin/users/new")
    page.click("button:has-text('Create user')")
    assert page.locator(".error").count() >= 2
    assert axe_check(page) == []
    described = page.get_attribute("input[name=name]", "aria-describedby")
    assert described and "name-error" in described
