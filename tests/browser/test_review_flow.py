"""An interviewer reviews a finished attempt end to end in a real browser."""

from __future__ import annotations

import csv
import io
from typing import Any

import sqlalchemy as sa

from simulator.store.db import db
from simulator.store.models import User
from simulator.store.review_models import AuditLog, Decision, HumanScore
from tests.web.review_factories import seed_assessment


def _seed(live_server: Any) -> Any:
    """Seed three candidates for the demo interviewer."""
    app = live_server.app
    with app.app_context():
        interviewer = db.session.scalar(
            sa.select(User).where(User.email == "interviewer@demo.local"))
        clock = app.extensions["simulator.clock"]
        seeded = seed_assessment(interviewer.id, clock(), [
            ("Ada Expert", "expert"), ("Bob Weak", "weak"), ("Cy Unsafe", "unsafe")],
            role_profile_id="entry-technician", title="Browser review assessment", signals=2)
        db.session.remove()
    return seeded


def test_interviewer_reviews_overrides_decides_compares_and_exports(
    live_server: Any, page: Any, screenshot: Any, tmp_path: Any
) -> None:
    seeded = _seed(live_server)
    base = live_server.url
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    live_server.login(page, "interviewer@demo.local")
    page.goto(f"{base}/review/assessments/{seeded.assessment_id}/results")
    assert page.get_by_role("heading", name="Results: Browser review assessment").is_visible()
    screenshot(page, "review-results")

    page.get_by_role("link", name="Ada Expert").click()
    page.get_by_role("link", name="Review outlook-password-prompt").click()
    page.wait_for_selector(".review-transcript")
    screenshot(page, "review-attempt")

    card = page.locator("article.criterion:has(button.select-criterion)").first
    criterion_id = card.get_attribute("data-criterion")
    turns = card.get_attribute("data-turns").split()
    card.locator("button.select-criterion").click()
    assert card.locator("button.select-criterion").get_attribute("aria-pressed") == "true"
    highlighted = page.locator(".review-transcript li.is-highlighted")
    assert highlighted.count() == len(turns)
    assert sorted(highlighted.evaluate_all("els => els.map(e => e.dataset.turn)")) == sorted(turns)
    screenshot(page, "review-attempt-highlighted")

    card.locator("summary").click()
    radios = card.locator("input[type=radio]")
    radios.nth(0).check()
    card.locator("textarea").fill("The candidate only partly scoped the problem.")
    card.get_by_role("button", name="Save override").click()
    assert page.locator(".flash-success").inner_text().startswith("Override saved")

    page.goto(f"{base}/review/candidates/{seeded.invitation_ids[0]}")
    page.get_by_label("Advance").check()
    page.get_by_label("Why (optional)").fill("Strong scoping and documentation.")
    page.get_by_role("button", name="Record decision").click()
    assert "Current: advance" in page.locator("#decision").inner_text()
    audit_text = page.locator(".audit-table").inner_text()
    assert "override attempt" in audit_text and "decision invitation" in audit_text
    screenshot(page, "review-candidate")

    page.goto(f"{base}/review/assessments/{seeded.assessment_id}/results")
    page.get_by_label("Compare Ada Expert").check()
    page.get_by_label("Compare Bob Weak").check()
    page.get_by_role("button", name="Compare selected (2-5)").click()
    assert page.locator("svg[role=img] title").count() == 1
    assert page.locator(".compare-table thead th").count() == 3
    screenshot(page, "review-compare")

    page.goto(f"{base}/review/assessments/{seeded.assessment_id}/results")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    path = tmp_path / "results.csv"
    info.value.save_as(str(path))
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert [r["candidate_name"] for r in rows] == ["Ada Expert", "Bob Weak", "Cy Unsafe"]
    ada = rows[0]
    assert ada["overridden_criteria"] == criterion_id
    assert ada["decision"] == "advance"
    assert ada["integrity_signals"] == "2"
    assert any(k.startswith("competency:") for k in ada)
    assert float(ada["final_total"]) <= float(ada["auto_total"])

    with live_server.app.app_context():
        score = db.session.scalar(sa.select(HumanScore).where(
            HumanScore.attempt_id == seeded.attempt_ids[0]))
        assert score is not None and score.criterion_id == criterion_id
        actions = set(db.session.scalars(sa.select(AuditLog.action)))
        assert {"override", "decision"} <= actions
        assert db.session.scalar(sa.select(Decision.decision)) == "advance"
        db.session.remove()
    assert [u for u in missing if not u.endswith("/favicon.ico")] == []
    assert [e for e in page.console_errors if not e.startswith("Failed to load resource")] == []
