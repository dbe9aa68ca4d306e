"""Overrides: a reason is required, an audit entry is written, the final score changes."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from simulator.domain.overrides import apply_overrides, report_from_dict
from simulator.services import library, results, review
from simulator.services.errors import Conflict, InvalidInput, NotFound
from simulator.store.db import db
from simulator.store.models import Attempt, AutoScore, User
from simulator.store.review_models import AuditLog, HumanScore, InvitationSummary
from tests.web.review_factories import criterion_with_levels, review_env


@pytest.fixture
def env(app: Any, make_user: Any, now: Any) -> Any:
    return review_env(app, make_user, now)


def _post(client: Any, attempt_id: int, **data: str) -> Any:
    return client.post(f"/review/attempts/{attempt_id}/override", data=data)


def test_override_lowers_final_score_and_is_audited(
    app: Any, client: Any, auth: Any, env: Any
) -> None:
    attempt_id = env.seeded.attempt_ids[0]
    with app.app_context():
        criterion, auto_level = criterion_with_levels(attempt_id)
        before = db.session.scalar(sa.select(AutoScore).where(AutoScore.attempt_id == attempt_id))
        auto_total = before.total
    lowest = criterion.levels[0].id
    assert lowest != auto_level
    auth.login_as(env.interviewer)
    response = _post(client, attempt_id, criterion=criterion.id, level=lowest,
                     reason="Missed the second check.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#criterion-{criterion.id}")
    page = client.get(f"/review/attempts/{attempt_id}").get_data(as_text=True)
    assert "Missed the second check." in page
    with app.app_context():
        score = db.session.scalar(sa.select(HumanScore))
        assert (score.criterion_id, score.level_id, score.author_id) == (
            criterion.id, lowest, env.interviewer.id)
        entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "override"))
        assert entry.object_id == attempt_id and entry.actor_id == env.interviewer.id
        assert entry.detail["from"] == auto_level and entry.detail["to"] == lowest
        # the automatic score row is untouched; the final score is lower
        auto = db.session.scalar(sa.select(AutoScore).where(AutoScore.attempt_id == attempt_id))
        assert auto.total == auto_total
        attempt = db.session.get(Attempt, attempt_id)
        final = results.final_report(attempt, auto, {criterion.id: score})
        assert final.total < auto_total
        summary = db.session.scalar(sa.select(InvitationSummary).where(
            InvitationSummary.invitation_id == env.seeded.invitation_ids[0]))
        assert summary.overall == pytest.approx(final.total)
        assert summary.override_count == 1


def test_latest_override_applies_and_history_is_kept(app: Any, env: Any, now: Any) -> None:
    attempt_id = env.seeded.attempt_ids[0]
    with app.app_context():
        user = db.session.get(User, env.interviewer.id)
        criterion, auto_level = criterion_with_levels(attempt_id)
        review.save_override(user, attempt_id, criterion.id, criterion.levels[0].id,
                             "First look.", now())
        review.save_override(user, attempt_id, criterion.id, auto_level, "Second look.", now())
        view = review.attempt_review(user, attempt_id)
        row = next(c for c in view.criteria if c.criterion.id == criterion.id)
        assert [h.reason for h in row.history] == ["First look.", "Second look."]
        assert row.final.level == auto_level
        assert view.final.total == view.auto.total


def test_same_level_override_reproduces_the_automatic_report(app: Any, env: Any) -> None:
    with app.app_context():
        for attempt_id in env.seeded.attempt_ids:
            auto = db.session.scalar(sa.select(AutoScore).where(AutoScore.attempt_id == attempt_id))
            report = report_from_dict(auto.report)
            rubric = library.rubric_for_hash(db.session.get(Attempt, attempt_id).rubric_hash)
            same = {c.id: c.level for c in report.criteria if c.level}
            assert apply_overrides(report, rubric, same) == report


@pytest.mark.parametrize(
    ("reason", "level", "message"),
    [
        ("", None, "Give a reason"),
        ("  ", None, "Give a reason"),
        ("ab", None, "Write 3 to 2000"),
        ("x" * 2001, None, "Write 3 to 2000"),
        ("Fine reason", "no-such-level", "Not a valid choice"),
        ("Fine reason", "", "Choose a level"),
    ],
)
def test_bad_override_input_rerenders_with_message(
    app: Any, client: Any, auth: Any, env: Any, reason: str, level: str | None, message: str
) -> None:
    attempt_id = env.seeded.attempt_ids[0]
    with app.app_context():
        criterion, _ = criterion_with_levels(attempt_id)
    auth.login_as(env.interviewer)
    response = _post(client, attempt_id, criterion=criterion.id,
                     level=criterion.levels[0].id if level is None else level, reason=reason)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(HumanScore.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(AuditLog.id))) == 0


def test_malicious_reason_is_escaped(app: Any, client: Any, auth: Any, env: Any) -> None:
    attempt_id = env.seeded.attempt_ids[0]
    with app.app_context():
        criterion, _ = criterion_with_levels(attempt_id)
    auth.login_as(env.interviewer)
    payload = '<script>alert("x")</script>'
    _post(client, attempt_id, criterion=criterion.id, level=criterion.levels[0].id,
          reason=payload)
    page = client.get(f"/review/attempts/{attempt_id}").get_data(as_text=True)
    assert payload not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("criterion", ["", "no-such-criterion", "x" * 500])
def test_unknown_criterion_is_refused(
    client: Any, auth: Any, env: Any, criterion: str
) -> None:
    auth.login_as(env.interviewer)
    response = _post(client, env.seeded.attempt_ids[0], criterion=criterion, level="none",
                     reason="Because.")
    assert response.status_code == 400


def test_service_refuses_bad_calls(app: Any, env: Any, now: Any) -> None:
    attempt_id = env.seeded.attempt_ids[0]
    with app.app_context():
        user = db.session.get(User, env.interviewer.id)
        criterion, _ = criterion_with_levels(attempt_id)
        with pytest.raises(InvalidInput):
            review.save_override(user, attempt_id, criterion.id, criterion.levels[0].id, "", now())
        with pytest.raises(InvalidInput):
            review.save_override(user, attempt_id, criterion.id, "bogus", "Reason!", now())
        with pytest.raises(NotFound):
            review.save_override(user, attempt_id, "bogus", criterion.levels[0].id, "Reason", now())
        with pytest.raises(NotFound):
            review.save_override(user, 99999, criterion.id, criterion.levels[0].id, "Reason", now())
        other = db.session.get(User, env.other.id)
        with pytest.raises(NotFound):
            review.save_override(other, attempt_id, criterion.id, criterion.levels[0].id,
                                 "Reason", now())


def test_unscored_attempt_cannot_be_overridden(app: Any, env: Any, now: Any) -> None:
    attempt_id = env.seeded.attempt_ids[0]
    with app.app_context():
        user = db.session.get(User, env.interviewer.id)
        criterion, _ = criterion_with_levels(attempt_id)
        db.session.execute(sa.delete(AutoScore).where(AutoScore.attempt_id == attempt_id))
        db.session.commit()
        with pytest.raises(Conflict):
            review.save_override(user, attempt_id, criterion.id, criterion.levels[0].id,
                                 "Reason", now())


def test_blind_review_hides_then_reveals_needs_review_criteria(
    app: Any, client: Any, auth: Any, env: Any
) -> None:
    attempt_id = env.seeded.attempt_ids[0]
    with app.app_context():
        criterion, auto_level = criterion_with_levels(attempt_id, needs_review=True)
    auth.login_as(env.interviewer)
    blind = client.get(f"/review/attempts/{attempt_id}?blind=1").get_data(as_text=True)
    assert "Hidden until you rate it" in blind
    assert "Evidence tags:" not in blind
    response = _post(client, attempt_id, criterion=criterion.id, level=auto_level,
                     reason="Rated blind.", blind="1")
    assert response.status_code == 302 and "blind=1" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalar(sa.select(HumanScore.blind)) is True
    page = client.get(f"/review/attempts/{attempt_id}?blind=1").get_data(as_text=True)
    section = page.split(f'id="criterion-{criterion.id}"')[1].split("</article>")[0]
    assert "Hidden until you rate it" not in section
    assert "Rated blind." in section


def test_needs_review_criteria_come_first(app: Any, env: Any) -> None:
    with app.app_context():
        user = db.session.get(User, env.interviewer.id)
        view = review.attempt_review(user, env.seeded.attempt_ids[0])
        flags = [c.criterion.needs_review for c in view.criteria]
        assert flags == sorted(flags, reverse=True)
        assert any(flags)
