"""axe-core finds no serious or critical violation on any candidate or practice page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulator.domain import replay
from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.test_candidate_flow import expert_inputs, invite

SCENARIOS = ["dns-resolution-failure", "outage-angry-user"]


def post_turn(page: Any, value: Any, kind: str = "answer") -> dict[str, Any]:
    """Send one JSON turn with the page's cookies and CSRF token; return the body."""
    token = page.get_attribute('meta[name="csrf-token"]', "content")
    url = page.get_attribute("#play", "data-turn-url")
    response = page.request.post(
        page.url.split("/attempts/")[0] + url,
        data={"type": kind, "value": value},
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    assert response.status == 200, response.text()
    return response.json()


def visit_every_step(
    page: Any, inputs: list[Any], check: Callable[[str], None], prefix: str
) -> None:
    """Play the inputs over JSON, checking the page once per step kind reached."""
    seen: set[str] = set()
    for entry in inputs:
        step = page.get_attribute("#play", "data-kind")
        if step not in seen:
            seen.add(step)
            check(f"{prefix}-{step}")
        action = replay.to_action(entry)
        if isinstance(action, float):
            continue
        post_turn(page, action.value, action.type)
        page.reload()
        page.wait_for_selector("#play")
    check(f"{prefix}-end")


def test_candidate_pages_have_no_serious_violations(
    live_server: Any, page: Any, axe_check: Callable[[Any], list[dict[str, Any]]],
    screenshot: Callable[[Any, str], Path],
) -> None:
    token = invite(live_server.app, "Ali Access", "ali@example.test", SCENARIOS)
    problems: dict[str, list[dict[str, Any]]] = {}

    def check(name: str) -> None:
        found = axe_check(page)
        if found:
            problems[name] = found
        screenshot(page, f"a11y-{name}")

    page.goto(f"{live_server.url}/i/{token}")
    check("candidate-landing")
    page.goto(f"{live_server.url}/i/{token}/start")
    check("candidate-consent")
    page.click("button:has-text('Start the assessment')")
    check("candidate-consent-error")
    page.check("#agree")
    page.click("button:has-text('Start the assessment')")
    page.wait_for_selector("#play")
    for number, scenario_id in enumerate(SCENARIOS, start=1):
        visit_every_step(page, expert_inputs(live_server.app, scenario_id), check,
                         f"candidate-part{number}")
        page.click("a:has-text('Continue')")
        page.wait_for_load_state("domcontentloaded")
    check("candidate-done")
    page.goto(f"{live_server.url}/candidate/")
    check("candidate-index")
    assert problems == {}


def test_practice_pages_have_no_serious_violations(
    live_server: Any, page: Any, axe_check: Callable[[Any], list[dict[str, Any]]],
    screenshot: Callable[[Any, str], Path],
) -> None:
    problems: dict[str, list[dict[str, Any]]] = {}

    def check(name: str) -> None:
        found = axe_check(page)
        if found:
            problems[name] = found
        screenshot(page, f"a11y-{name}")

    live_server.login(page, "trainee@demo.local", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/practice/")
    check("practice-catalogue")
    page.goto(f"{live_server.url}/practice/progress")
    check("practice-progress-empty")
    page.goto(f"{live_server.url}/practice/")
    page.click("#sc-outage-angry-user ~ form button:has-text('Start')")
    page.wait_for_selector("#play")
    page.locator("button:has-text('Take a hint')").first.click()
    page.wait_for_selector(".hint-text")
    check("practice-hint-taken")
    visit_every_step(page, expert_inputs(live_server.app, "outage-angry-user")[:3], check,
                     "practice")
    post_turn(page, "", "leave")
    page.reload()
    page.click("a:has-text('Read the debrief')")
    page.wait_for_selector("h1")
    check("practice-debrief")
    page.goto(f"{live_server.url}/practice/progress")
    check("practice-progress")
    assert problems == {}
