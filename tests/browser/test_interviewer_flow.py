"""An interviewer signs in, creates an assessment and an invitation, and sees the link."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any


def test_interviewer_creates_assessment_and_invitation(
    live_server: Any, page: Any, screenshot: Callable[[Any, str], Path]
) -> None:
    page.goto(f"{live_server.url}/login")
    screenshot(page, "core-01-login")
    live_server.login(page, "interviewer@demo.local")
    assert page.url.endswith("/interviewer/assessments")
    screenshot(page, "core-02-assessments")

    page.click("text=New assessment")
    page.fill("input[name=title]", "Browser intake")
    page.select_option("select[name=role_profile_id]", "")
    page.locator("input[name=scenario_ids]").first.check()
    page.fill("input[name=time_limit_minutes]", "30")
    screenshot(page, "core-03-new-assessment")
    page.click("button:has-text('Create assessment')")
    assert re.search(r"/interviewer/assessments/\d+$", page.url)
    assert page.locator("h1").inner_text() == "Browser intake"
    screenshot(page, "core-04-assessment-detail")

    page.fill("input[name=candidate_name]", "Robin Candidate")
    page.fill("input[name=candidate_email]", "robin@example.com")
    page.fill("input[name=extra_minutes]", "15")
    page.click("button:has-text('Create invitation')")
    link = page.locator("#invitation-link").input_value()
    assert re.fullmatch(re.escape(live_server.url) + r"/i/[A-Za-z0-9_-]{43}", link)
    page.click("button[data-copy-target=invitation-link]")
    page.wait_for_function("document.querySelector('.copy-status').textContent.length > 0")
    screenshot(page, "core-05-invitation-link")

    page.click("text=Back to the assessment")
    row = page.locator("tr", has_text="Robin Candidate")
    assert "invited" in row.inner_text().lower()
    assert link.rsplit("/", 1)[1] not in page.content()
    screenshot(page, "core-06-assessment-with-invitation")
    assert page.console_errors == []


def test_admin_pages_render(live_server: Any, page: Any,
                            screenshot: Callable[[Any, str], Path]) -> None:
    live_server.login(page, "admin@demo.local")
    assert page.url.endswith("/admin/users")
    assert page.locator("td", has_text="interviewer@demo.local").count() == 1
    screenshot(page, "core-07-admin-users")
    page.click("text=Create user")
    page.fill("input[name=name]", "Nia New")
    page.fill("input[name=email]", "nia@example.com")
    page.select_option("select[name=role]", "trainee")
    page.click("button:has-text('Create user')")
    assert page.locator("#generated-password").input_value()
    screenshot(page, "core-08-password-once")
    page.goto(f"{live_server.url}/admin/library")
    assert page.locator("table tbody tr").count() >= 3
    screenshot(page, "core-09-admin-library")
    page.click("button:has-text('Reload library')")
    assert page.locator(".flash").first.inner_text().startswith("Reloaded")
    assert page.console_errors == []


def test_bad_login_shows_generic_message(live_server: Any, page: Any,
                                         screenshot: Callable[[Any, str], Path]) -> None:
    live_server.login(page, "interviewer@demo.local", "wrong password")
    assert "Wrong e-mail or password." in page.locator(".error").inner_text()
    screenshot(page, "core-10-login-error")
