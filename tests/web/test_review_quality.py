"""Scoring quality: agreement between automatic and human levels, per criterion and overall."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.domain.overrides import level_index
from simulator.services import review
from simulator.services.errors import Forbidden
from simulator.store.db import db
from simulator.store.models import User
from tests.web.review_factories import criterion_with_levels, review_env


def test_quality_figures_follow_the_overrides(app: Any, client: Any, auth: Any,
                                              make_user: Any, now: Any) -> None:
    env = review_env(app, make_user, now)
    with app.app_context():
        user = db.session.get(User, env.interviewer.id)
        admin = db.session.get(User, env.admin.id)
        assert review.scoring_quality(admin)[1].n == 0
        pairs = []
        for attempt_id in env.seeded.attempt_ids:
            criterion, auto_level = criterion_with_levels(attempt_id)
            human = criterion.levels[0].id
            review.save_override(user, attempt_id, criterion.id, human, "Checked.", now())
            pairs.append((level_index(criterion, auto_level), level_index(criterion, human)))
        rows, overall = review.scoring_quality(admin)
        assert overall.n == len(pairs)
        exact = sum(a == h for a, h in pairs) / len(pairs)
        assert overall.exact == pytest.approx(exact)
        assert [r.figures.n for r in rows] == [len(pairs)]
        with pytest.raises(Forbidden):
            review.scoring_quality(user)
    auth.login_as(env.admin)
    html = client.get("/review/quality").get_data(as_text=True)
    assert f"<dd>{len(pairs)}</dd>" in html
    assert rows[0].label in html


def test_quality_page_without_ratings(client: Any, auth: Any, make_user: Any) -> None:
    auth.login_as(make_user("admin"))
    html = client.get("/review/quality").get_data(as_text=True)
    assert "No criterion has a human rating yet" in html
    assert "n/a" in html
