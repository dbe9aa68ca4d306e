"""Results page: summaries, verdicts, sorting, filtering, paging, lazy refresh."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from simulator.services import results, results_query
from simulator.store.db import db
from simulator.store.models import Invitation, User
from simulator.store.review_models import InvitationSummary
from tests.web.review_factories import finished_attempt, review_env


@pytest.fixture
def env(app: Any, make_user: Any, now: Any) -> Any:
    return review_env(app, make_user, now, role_profile_id="entry-technician")


def _names(html: str) -> list[str]:
    """Return the candidate names in the results table, in order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r'/review/candidates/\d+">([^<]+)</a>', body)


def _url(env: Any, **query: str) -> str:
    args = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/review/assessments/{env.seeded.assessment_id}/results?{args}"


def test_default_sort_is_overall_high_to_low(client: Any, auth: Any, env: Any) -> None:
    auth.login_as(env.interviewer)
    html = client.get(_url(env)).get_data(as_text=True)
    assert _names(html) == ["Ada Expert", "Cy Unsafe", "Bob Weak", "Dee Pending"]
    assert "4 candidates" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"sort": "name", "order": "asc"}, ["Ada Expert", "Bob Weak", "Cy Unsafe", "Dee Pending"]),
        ({"sort": "name", "order": "desc"},
         ["Dee Pending", "Cy Unsafe", "Bob Weak", "Ada Expert"]),
        # ascending: candidates without a score count as lowest
        ({"sort": "overall", "order": "asc"},
         ["Dee Pending", "Bob Weak", "Cy Unsafe", "Ada Expert"]),
        ({"sort": "flags"}, ["Cy Unsafe", "Ada Expert", "Bob Weak", "Dee Pending"]),
        ({"flagged": "y"}, ["Cy Unsafe"]),
        ({"q": "bob"}, ["Bob Weak"]),
        ({"q": "EXPERT"}, ["Ada Expert"]),
        ({"q": "%"}, []),
        ({"q": "_"}, []),
        ({"status": "finished", "sort": "name", "order": "asc"},
         ["Ada Expert", "Bob Weak", "Cy Unsafe"]),
        ({"status": "invited"}, ["Dee Pending"]),
        ({"verdict": "none"}, ["Dee Pending"]),
        ({"verdict": "pass"}, ["Ada Expert"]),
        ({"verdict": "below", "sort": "name", "order": "asc"}, ["Bob Weak", "Cy Unsafe"]),
    ],
)
def test_sort_and_filter(client: Any, auth: Any, env: Any, query: dict[str, str],
                         expected: list[str]) -> None:
    auth.login_as(env.interviewer)
    response = client.get(_url(env, **query))
    assert response.status_code == 200
    assert _names(response.get_data(as_text=True)) == expected


@pytest.mark.parametrize(
    "query",
    [{"status": "hacked"}, {"verdict": "<script>"}, {"sort": "password_hash"},
     {"page": "-1"}, {"page": "abc"}, {"q": "x" * 500}, {"order": "sideways"}],
)
def test_bad_filters_fall_back_safely(client: Any, auth: Any, env: Any,
                                      query: dict[str, str]) -> None:
    auth.login_as(env.interviewer)
    response = client.get(_url(env, **query))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert _names(html) == ["Ada Expert", "Cy Unsafe", "Bob Weak", "Dee Pending"]
    assert "<script>" not in html.split("<main", 1)[1].split("</main>")[0].replace(
        '<script src', '')


def test_verdict_comes_from_the_role_profile(app: Any, env: Any) -> None:
    with app.app_context():
        summary = db.session.scalar(sa.select(InvitationSummary).where(
            InvitationSummary.invitation_id == env.seeded.invitation_ids[0]))
        assert summary is None  # built lazily
        user = db.session.get(User, env.interviewer.id)
        page = results_query.results_page(user, env.seeded.assessment_id, results.ResultFilters(),
                                    env_now(app))
        by_name = {row.summary.candidate_name: row.summary for row in page.rows}
        # judged on the assessment's own scenario set against the role's bar
        assert by_name["Ada Expert"].verdict == "pass"
        assert not any("Not taken" in r for r in by_name["Ada Expert"].reasons)
        assert by_name["Cy Unsafe"].verdict == "below"  # a critical flag never passes
        assert by_name["Bob Weak"].verdict == "below"
        assert by_name["Cy Unsafe"].flags and by_name["Cy Unsafe"].flag_count >= 1
        assert by_name["Dee Pending"].overall is None
        assert by_name["Ada Expert"].signal_count == 1


def env_now(app: Any) -> Any:
    """Return the app clock's time."""
    return app.extensions["simulator.clock"]()


def test_pagination(app: Any, client: Any, auth: Any, make_user: Any, now: Any) -> None:
    env = review_env(app, make_user, now, candidates=[(f"Person {n:02d}", None)
                                                      for n in range(30)])
    auth.login_as(env.interviewer)
    first = client.get(_url(env, sort="name", order="asc")).get_data(as_text=True)
    second = client.get(_url(env, sort="name", order="asc", page="2")).get_data(as_text=True)
    beyond = client.get(_url(env, sort="name", order="asc", page="9")).get_data(as_text=True)
    assert _names(first) == [f"Person {n:02d}" for n in range(25)]
    assert _names(second) == [f"Person {n:02d}" for n in range(25, 30)]
    assert _names(beyond) == []
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "sort=name" in first.split('rel="next"')[0].rsplit("href=", 1)[1]


def test_stale_summary_is_refreshed_when_an_attempt_finishes(
    app: Any, client: Any, auth: Any, env: Any, now: Any
) -> None:
    auth.login_as(env.interviewer)
    client.get(_url(env))
    pending = env.seeded.invitation_ids[3]
    with app.app_context():
        invitation = db.session.get(Invitation, pending)
        finished_attempt(invitation.candidate_user_id, invitation, "outlook-password-prompt",
                         "competent", now())
        invitation.finished_at = now() + timedelta(seconds=1)
        db.session.commit()
    html = client.get(_url(env, q="dee")).get_data(as_text=True)
    row = html.split("Dee Pending", 1)[1].split("</tr>", 1)[0]
    assert "finished" in row.lower()
    with app.app_context():
        summary = db.session.scalar(sa.select(InvitationSummary).where(
            InvitationSummary.invitation_id == pending))
        assert summary.attempts_scored == 1 and summary.overall is not None


def test_refresh_invitation_summary_is_idempotent(app: Any, env: Any, now: Any) -> None:
    with app.app_context():
        first = results.refresh_invitation_summary(env.seeded.invitation_ids[0], now())
        values = (first.overall, first.verdict, dict(first.competencies), list(first.flags))
        again = results.refresh_invitation_summary(env.seeded.invitation_ids[0], now())
        assert (again.overall, again.verdict, dict(again.competencies), list(again.flags)) == values
        assert db.session.scalar(sa.select(sa.func.count(InvitationSummary.id))) == 1


def test_summary_without_role_profile_uses_the_mean(app: Any, make_user: Any, now: Any) -> None:
    env = review_env(app, make_user, now, candidates=[("Ada Expert", "expert")])
    with app.app_context():
        summary = results.refresh_invitation_summary(env.seeded.invitation_ids[0], now())
        assert summary.verdict is None
        assert summary.overall is not None and summary.overall >= 85


def test_refresh_without_invitation_does_nothing(app: Any) -> None:
    from simulator.services.errors import NotFound

    with app.app_context():
        assert results.refresh_invitation_summary(None) is None
        with pytest.raises(NotFound):
            results.refresh_invitation_summary(424242)
        assert db.session.scalar(sa.select(sa.func.count(InvitationSummary.id))) == 0


def test_concurrent_lazy_build_is_tolerated(app: Any, env: Any, now: Any) -> None:
    """A summary committed by another request before ours is not an error."""
    with app.app_context():
        invitation = db.session.get(Invitation, env.seeded.invitation_ids[0])
        results._rebuild(invitation, now())  # pending in this session
        with db.engine.begin() as conn:  # another request commits the same row first
            conn.execute(sa.insert(InvitationSummary), {
                "invitation_id": invitation.id, "assessment_id": invitation.assessment_id,
                "candidate_name": "x", "sort_name": "x", "competencies": {}, "flags": [],
                "flag_count": 0, "flagged": False, "base_status": "finished",
                "expires_at": now(), "signal_count": 0, "override_count": 0,
                "attempts_scored": 0, "needs_review": 0, "reasons": [], "updated_at": now()})
        assert results_query._commit() is False
        assert db.session.scalar(sa.select(sa.func.count(InvitationSummary.id))) == 1
