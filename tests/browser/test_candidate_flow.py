"""A candidate completes a two-scenario assessment in Chromium, resuming after a restart.

The candidate types the expert playthroughs of dns-resolution-failure (dialogue,
terminal, write-up, triage) and outage-angry-user (dialogue, choice, classify, triage,
write-up), closes the browser mid-scenario and carries on from the invitation link.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from simulator.services import accounts, assessments, library
from simulator.services.clock import utcnow
from simulator.store.db import db
from simulator.store.models import Attempt, AutoScore

SCENARIOS = ["dns-resolution-failure", "outage-angry-user"]
WAIT_TURN = """old => {
  const root = document.getElementById('play');
  return !!root && root.dataset.eventCount !== old && !root.dataset.reloading
    && document.readyState === 'complete';
}"""


def expert_inputs(app: Any, scenario_id: str) -> list[Any]:
    """Return the expert playthrough's inputs."""
    with app.app_context():
        scenario = library.catalog().scenarios[scenario_id]
    return list(next(p for p in scenario.playthroughs if p.id == "expert").inputs)


def invite(app: Any, name: str, email: str, scenario_ids: list[str]) -> str:
    """Create an assessment and an invitation on the live server; return the token."""
    with app.app_context():
        interviewer = accounts.find_by_email("interviewer@demo.local")
        assessment = assessments.create_assessment(
            interviewer, f"Browser test for {name}", scenario_ids,
            opens_at=utcnow() - timedelta(minutes=5),
        )
        return assessments.invite(interviewer, assessment.id, name, email, utcnow()).token


def kind(page: Any) -> str:
    """Return the current step kind of the play page."""
    return page.get_attribute("#play", "data-kind")


def event_count(page: Any) -> str:
    """Return the transcript length the page knows."""
    return page.get_attribute("#play", "data-event-count")


def answer(page: Any, entry: Any) -> None:
    """Enter one playthrough input the way a person would, and wait for the reply."""
    before = event_count(page)
    step = kind(page)
    if step == "dialogue":
        page.fill("#reply", entry)
        page.press("#reply", "Enter")
    elif step == "terminal":
        page.fill("#command", entry)
        page.press("#command", "Enter")
    elif step == "writeup":
        page.fill("#writeup", entry)
        page.click("form.turn-form button[type=submit]")
    elif step == "triage":
        reorder(page, list(entry))
        page.click("form.turn-form button[type=submit]")
    elif step == "choice":
        for choice_id in [entry] if isinstance(entry, str) else entry:
            page.check(f"#choice-{choice_id}")
        page.click("form.turn-form button[type=submit]")
    elif step == "classify":
        for field_id, value in entry.items():
            page.select_option(f"#field-{field_id}", value)
        page.click("form.turn-form button[type=submit]")
    else:
        raise AssertionError(f"no input possible on a {step!r} step")
    page.wait_for_function(WAIT_TURN, arg=before)


def reorder(page: Any, order: list[str]) -> None:
    """Put the triage items in ``order`` with the keyboard-accessible Move buttons."""
    for target, item_id in enumerate(order):
        ids = page.eval_on_selector_all(".triage-item", "els => els.map(e => e.dataset.id)")
        for _ in range(ids.index(item_id) - target):
            page.click(f".triage-item[data-id='{item_id}'] button[data-move='-1']")
    shown = page.eval_on_selector_all(".triage-item", "els => els.map(e => e.dataset.id)")
    assert shown == order


def play_until(page: Any, inputs: list[Any], shots: Callable[[str], None]) -> None:
    """Answer every input, taking one screenshot per step kind met."""
    seen: set[str] = set()
    for entry in inputs:
        step = kind(page)
        if step not in seen:
            seen.add(step)
            shots(f"candidate-step-{step}")
        answer(page, entry)


def test_candidate_completes_two_scenarios_and_resumes(
    live_server: Any, browser: Any, screenshot: Callable[[Any, str], Path]
) -> None:
    app = live_server.app
    token = invite(app, "Morgan Browser", "morgan@example.test", SCENARIOS)
    dns, outage = (expert_inputs(app, s) for s in SCENARIOS)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{live_server.url}/i/{token}")
    assert "Welcome, Morgan Browser" in page.content()
    screenshot(page, "candidate-landing")
    page.click("text=Read the instructions")
    assert "signals, not verdicts" in page.content()
    screenshot(page, "candidate-consent")
    page.click("button:has-text('Start the assessment')")
    assert "Please tick the box" in page.content()
    page.check("#agree")
    page.click("button:has-text('Start the assessment')")
    page.wait_for_selector("#play")
    assert page.locator("text=Take a hint").count() == 0

    half = len(dns) // 2
    play_until(page, dns[:half], lambda name: screenshot(page, name))
    typed_before = page.inner_text("#terminal-log") + page.inner_text("#conversation-log")
    url_before = page.url
    context.close()  # the browser closes mid-scenario

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/i/{token}")
    page.wait_for_selector("#play")
    assert page.url == url_before
    resumed = page.inner_text("#terminal-log") + page.inner_text("#conversation-log")
    assert resumed == typed_before
    play_until(page, dns[half:], lambda name: screenshot(page, f"{name}-after-resume"))
    page.wait_for_selector(".play-end")
    screenshot(page, "candidate-part-finished")
    page.click("a:has-text('Continue')")
    page.wait_for_selector("#play")
    assert "Assessment · part 2" in page.content()
    play_until(page, outage, lambda name: screenshot(page, f"outage-{name}"))
    page.wait_for_selector(".play-end")
    page.click("a:has-text('Continue')")
    page.wait_for_url("**/candidate/done")
    assert "Thank you, Morgan Browser" in page.content()
    screenshot(page, "candidate-done")
    context.close()
    assert errors == []

    with app.app_context():
        rows = db.session.execute(
            sa.select(Attempt.scenario_id, Attempt.status, AutoScore.total, AutoScore.passed)
            .join(AutoScore, AutoScore.attempt_id == Attempt.id)
            .join(Attempt.invitation)
            .where(Attempt.mode == "assessment", Attempt.user.has(email="morgan@example.test"))
            .order_by(Attempt.position)
        ).all()
        db.session.remove()
    assert [r.scenario_id for r in rows] == SCENARIOS
    assert all(r.status == "finished" and r.passed for r in rows)
    assert all(r.total >= 85 for r in rows), rows


def test_past_turns_cannot_be_answered_from_a_stale_tab(live_server: Any, browser: Any) -> None:
    app = live_server.app
    token = invite(app, "Sam Stale", "sam@example.test", SCENARIOS[:1])
    context = browser.new_context()
    first = context.new_page()
    first.goto(f"{live_server.url}/i/{token}/start")
    first.check("#agree")
    first.click("button:has-text('Start the assessment')")
    first.wait_for_selector("#play")
    second = context.new_page()
    second.goto(first.url)
    answer(first, "Hi Grace, is it just your laptop?")
    count = event_count(first)
    stale = event_count(second)
    second.fill("#reply", "An answer from an old tab")
    second.press("#reply", "Enter")
    second.wait_for_function(WAIT_TURN, arg=stale)
    assert event_count(second) == count  # reloaded to the current turn, nothing applied
    assert "An answer from an old tab" not in second.inner_text("#conversation-log")
    context.close()
