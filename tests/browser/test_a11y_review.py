"""axe-core finds no serious or critical violations on the review pages."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from simulator.store.db import db
from simulator.store.models import User
from tests.web.review_factories import seed_assessment


@pytest.fixture(scope="module")
def seeded(live_server: Any) -> Any:
    """Seed two candidates (one rated by a human) for the demo interviewer."""
    from simulator.services import review
    from tests.web.review_factories import criterion_with_levels

    app = live_server.app
    with app.app_context():
        interviewer = db.session.scalar(
            sa.select(User).where(User.email == "interviewer@demo.local"))
        clock = app.extensions["simulator.clock"]
        result = seed_assessment(interviewer.id, clock(), [
            ("Ada Expert", "expert"), ("Bob Weak", "weak")], title="A11y assessment")
        criterion, _level = criterion_with_levels(result.attempt_ids[0])
        review.save_override(interviewer, result.attempt_ids[0], criterion.id,
                             criterion.levels[0].id, "Checked by hand.", clock())
        db.session.remove()
    return result


PAGES = {
    "index": "/review/",
    "results": "/review/assessments/{a}/results",
    "results-filtered": "/review/assessments/{a}/results?verdict=none&sort=name&order=asc",
    "attempt": "/review/attempts/{t}",
    "attempt-blind": "/review/attempts/{t}?blind=1",
    "candidate": "/review/candidates/{i}",
    "report": "/review/candidates/{i}/report",
    "compare": "/review/compare?ids={i}&ids={j}",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_review_pages_have_no_serious_violations(
    live_server: Any, seeded: Any, page: Any, axe_check: Any, screenshot: Any, name: str
) -> None:
    live_server.login(page, "interviewer@demo.local")
    url = PAGES[name].format(a=seeded.assessment_id, t=seeded.attempt_ids[0],
                             i=seeded.invitation_ids[0], j=seeded.invitation_ids[1])
    response = page.goto(live_server.url + url)
    assert response.status == 200
    screenshot(page, f"a11y-review-{name}")
    assert axe_check(page) == []


def test_quality_page_has_no_serious_violations(
    live_server: Any, seeded: Any, page: Any, axe_check: Any, screenshot: Any
) -> None:
    live_server.login(page, "admin@demo.local")
    response = page.goto(live_server.url + "/review/quality")
    assert response.status == 200
    assert page.locator(".quality-table tbody tr").count() >= 1
    screenshot(page, "a11y-review-quality")
    assert axe_check(page) == []


def test_keyboard_selects_a_turn(live_server: Any, seeded: Any, page: Any) -> None:
    live_server.login(page, "interviewer@demo.local")
    page.goto(f"{live_server.url}/review/attempts/{seeded.attempt_ids[0]}")
    turn = page.locator(".review-transcript li.has-criteria").first
    turn.focus()
    page.keyboard.press("Enter")
    assert "is-selected" in (turn.get_attribute("class") or "")
    assert page.locator("article.criterion.is-highlighted").count() >= 1
