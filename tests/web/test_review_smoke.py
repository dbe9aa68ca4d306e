"""Smoke: every review page renders for an interviewer with seeded attempts."""

from __future__ import annotations

from typing import Any

from simulator.store.db import db
from tests.web.review_factories import seed_assessment


def test_pages_render(app: Any, client: Any, auth: Any, make_user: Any, now: Any) -> None:
    interviewer = make_user("interviewer")
    with app.app_context():
        seeded = seed_assessment(interviewer.id, now(), [("Ada Expert", "expert"),
                                                         ("Bob Weak", "weak"),
                                                         ("Cy Pending", None)])
        db.session.remove()
    auth.login_as(interviewer)
    for url in ("/review/", f"/review/assessments/{seeded.assessment_id}/results",
                f"/review/attempts/{seeded.attempt_ids[0]}",
                f"/review/attempts/{seeded.attempt_ids[0]}?blind=1",
                f"/review/candidates/{seeded.invitation_ids[0]}",
                f"/review/candidates/{seeded.invitation_ids[0]}/report",
                f"/review/compare?ids={seeded.invitation_ids[0]}&ids={seeded.invitation_ids[1]}",
                f"/review/assessments/{seeded.assessment_id}/export.csv",
                f"/review/assessments/{seeded.assessment_id}/xapi.json",
                f"/review/attempts/{seeded.attempt_ids[0]}/export.json"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:3000])
