"""A trainee practises a scenario in Chromium: takes a hint, gets feedback, reads the debrief."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.test_candidate_flow import WAIT_TURN, answer, event_count, expert_inputs, kind

SCENARIO = "dns-resolution-failure"


def test_trainee_practises_with_a_hint_and_reads_the_debrief(
    live_server: Any, page: Any, screenshot: Callable[[Any, str], Path]
) -> None:
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    live_server.login(page, "trainee@demo.local", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/practice/")
    assert "Practice" in page.inner_text("h1")
    screenshot(page, "practice-catalogue")
    page.select_option("#level", "entry")
    page.click("button:has-text('Filter')")
    assert "level=entry" in page.url
    page.click(f"#sc-{SCENARIO} ~ form button:has-text('Start')")
    page.wait_for_selector("#play")
    hint_button = page.locator("button:has-text('Take a hint')").first
    assert "costs" in hint_button.inner_text()
    before = event_count(page)
    hint_button.click()
    page.wait_for_function(WAIT_TURN, arg=before)
    assert "Hint (−" in page.inner_text(".play-hints")
    inputs = expert_inputs(live_server.app, SCENARIO)
    answer(page, inputs[0])
    assert page.locator("#conversation-log .ev-feedback").count() >= 1
    screenshot(page, "practice-attempt-hint-feedback")
    for entry in inputs[1:]:
        if kind(page) == "end":
            break
        answer(page, entry)
    page.wait_for_selector(".play-end")
    page.click("a:has-text('Read the debrief')")
    page.wait_for_selector("h1")
    text = page.inner_text("main")
    assert "Points per criterion" in text and "The turns that earned it:" in text
    assert "Hints taken: 1" in text
    assert "What an expert did differently" in text
    screenshot(page, "practice-debrief")
    page.click("button:has-text('Try again')")
    page.wait_for_selector("#play")
    assert "/attempts/" in page.url
    page.goto(f"{live_server.url}/practice/progress")
    assert page.locator("svg.spark").count() >= 1
    screenshot(page, "practice-progress")
    missing = [url for url in missing if not url.endswith("/favicon.ico")]
    assert missing == []
    assert [e for e in page.console_errors if "404" not in e or missing] == []


def test_triage_reorders_by_keyboard_and_plain_form_fallback(
    live_server: Any, browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    live_server.login(page, "trainee@demo.local", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/practice/")
    page.click(f"#sc-{SCENARIO} ~ form button:has-text('Start')")
    page.wait_for_selector("#play")
    inputs = expert_inputs(live_server.app, SCENARIO)
    for entry in inputs:  # plain HTML forms: every answer is a POST + redirect
        step = page.get_attribute("#play", "data-kind")
        if step in ("dialogue", "writeup"):
            page.fill("#reply" if step == "dialogue" else "#writeup", entry)
            page.click("form.turn-form button[type=submit]")
        elif step == "terminal":
            page.fill("#command", entry)
            page.click("form.terminal-form button[type=submit]")
        elif step == "triage":
            assert page.locator(".triage-tools").first.is_hidden()
            for position, item in enumerate(entry, start=1):
                page.select_option(f"#pos-{item}", str(position))
            page.click("form.turn-form button[type=submit]")
        page.wait_for_load_state("domcontentloaded")
    assert page.locator(".play-end").count() == 1
    context.close()
