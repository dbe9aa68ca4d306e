"""Candidate pages: invitation link, consent, play (JSON and plain forms), resume, finish."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from simulator.domain import replay, scoring
from simulator.services import assessments, library
from simulator.services.clock import FixedClock
from simulator.store.db import db
from simulator.store.models import Attempt, AutoScore, IntegritySignal, User
from simulator.store.review_models import InvitationSummary

SCENARIO = "outlook-password-prompt"
#: keys that would reveal the rubric, the answer key or the score
SECRET_KEYS = {
    "tags", "rule", "rules", "rule_id", "expected", "expected_order", "expected_fields",
    "score", "scores", "total", "points", "flags", "tags_seen", "fired", "rubric",
    "criteria", "data", "evidence", "cues", "matched", "passed", "feedback",
}


@dataclass
class Invited:
    token: str
    invitation_id: int
    assessment_id: int


@pytest.fixture
def invited(
    app: Flask, catalog: Any, make_user: Callable[..., User], now: FixedClock
) -> Invited:
    """Create a two-part assessment and an invitation; return its one-time token."""
    interviewer = make_user("interviewer")
    with app.app_context():
        creator = db.session.get(User, interviewer.id)
        assessment = assessments.create_assessment(
            creator, "Service desk analyst", [SCENARIO, SCENARIO], now() - timedelta(hours=1)
        )
        issued = assessments.invite(
            creator, assessment.id, "Robin Example", "robin@example.test", now()
        )
        return Invited(issued.token, issued.invitation.id, assessment.id)


def start(client: FlaskClient, invited: Invited) -> int:
    """Open the link, consent, and return the first attempt's id."""
    assert client.get(f"/i/{invited.token}").status_code == 200
    response = client.post(f"/i/{invited.token}/start", data={"agree": "y"})
    assert response.status_code == 302 and response.location.endswith("/candidate/next")
    response = client.get("/candidate/next")
    match = re.search(r"/attempts/(\d+)$", response.location)
    assert match, response.location
    return int(match.group(1))


def state(client: FlaskClient, attempt_id: int) -> dict[str, Any]:
    """Return the attempt's JSON state."""
    response = client.get(f"/attempts/{attempt_id}/state")
    assert response.status_code == 200
    return response.get_json()


def turn(client: FlaskClient, attempt_id: int, **body: Any) -> Any:
    """Post a JSON turn."""
    return client.post(f"/attempts/{attempt_id}/turn", json=body)


def secret_keys(value: Any) -> set[str]:
    """Return every forbidden key anywhere in a JSON value."""
    found: set[str] = set()
    if isinstance(value, dict):
        found |= SECRET_KEYS & set(value)
        for item in value.values():
            found |= secret_keys(item)
    elif isinstance(value, list):
        for item in value:
            found |= secret_keys(item)
    return found


def evidence_tags(app: Flask) -> set[str]:
    """Return every tag and rule id the scenario and rubric define (hyphenated ones)."""
    with app.app_context():
        scenario = library.catalog().scenarios[SCENARIO]
    tags: set[str] = set()
    for step in scenario.steps:
        for rule in step.rules:
            tags.update(rule.outcome.tags)
            tags.add(rule.id)
        tags.update(e.tag for e in step.elements)
    return {t for t in tags if "-" in t and len(t) > 8}


def test_unknown_link_is_refused_without_signing_in(client: FlaskClient, invited: Invited) -> None:
    response = client.get("/i/" + "A" * 43)
    assert response.status_code == 410
    assert "not valid" in response.get_data(as_text=True)
    assert client.get("/candidate/").status_code == 302


def test_landing_signs_the_candidate_in_and_hides_the_referrer(
    client: FlaskClient, invited: Invited
) -> None:
    response = client.get(f"/i/{invited.token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Robin Example" in page and f"/i/{invited.token}/start" in page
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/candidate/").status_code == 200


def test_consent_page_discloses_what_is_recorded(client: FlaskClient, invited: Invited) -> None:
    page = client.get(f"/i/{invited.token}/start").get_data(as_text=True)
    for phrase in ("Every turn you send", "Paste events", "Tab switches", "signals, not verdicts",
                   "Who sees it", "How long it is kept", "minutes"):
        assert phrase in page
    refused = client.post(f"/i/{invited.token}/start", data={})
    assert refused.status_code == 200
    assert "Please tick the box" in refused.get_data(as_text=True)
    assert client.get("/candidate/next").location.endswith("/candidate/")


def test_attempt_page_shows_the_ticket_without_hints_or_answer_keys(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    attempt_id = start(client, invited)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "INC0052317" in page and "Marta Kowalski" in page
    assert 'data-seconds-left="' in page and 'aria-live="polite"' in page
    assert "Take a hint" not in page and 'value="hint"' not in page
    assert "js/signals.js" in page
    leaked = [tag for tag in evidence_tags(app) if tag in page]
    assert leaked == []


def test_json_turns_contract_and_no_leak(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    attempt_id = start(client, invited)
    count = state(client, attempt_id)["view"]["event_count"]
    response = turn(client, attempt_id, type="answer", expected_index=count,
                    value="Hi Marta, I'm sorry. When did it start, and what changed?")
    body = response.get_json()
    assert response.status_code == 200
    assert set(body) == {"events", "view", "ended"} and body["ended"] is False
    assert all(set(e) == {"type", "actor", "text", "step", "who"} for e in body["events"])
    assert body["events"][0]["actor"] == "candidate"
    # practice feedback events are stored but never sent to a candidate
    assert body["view"]["event_count"] >= count + len(body["events"])
    stale = turn(client, attempt_id, type="answer", value="Again", expected_index=count)
    assert stale.status_code == 409 and "already answered" in stale.get_json()["error"]
    refused = turn(client, attempt_id, type="answer", value="   ",
                   expected_index=body["view"]["event_count"])
    assert refused.status_code == 422 and refused.get_json()["error"]
    hint = turn(client, attempt_id, type="hint", value="", expected_index=None)
    assert hint.status_code == 422 and "not available" in hint.get_json()["error"]
    texts = json.dumps([body, state(client, attempt_id)])
    assert secret_keys(body) == set() and secret_keys(state(client, attempt_id)) == set()
    assert [tag for tag in evidence_tags(app) if tag in texts] == []


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ("not json", 400),
        ([1, 2, 3], 400),
        ({"type": "cheat", "value": "x"}, 422),
        ({"type": "answer", "value": {"a": 1}}, 422),
        ({"type": "answer", "value": "hi", "expected_index": "abc"}, 422),
        ({"type": "answer", "value": "x" * 50_000}, 422),
    ],
)
def test_bad_json_turns_are_answered_not_crashed(
    client: FlaskClient, invited: Invited, payload: Any, status: int
) -> None:
    attempt_id = start(client, invited)
    if isinstance(payload, str):
        response = client.post(f"/attempts/{attempt_id}/turn", data=payload,
                               content_type="application/json")
    else:
        response = turn(client, attempt_id, **payload) if isinstance(payload, dict) else \
            client.post(f"/attempts/{attempt_id}/turn", json=payload)
    assert response.status_code == status
    assert response.get_json()["error"]


def test_plain_form_turns_without_javascript(client: FlaskClient, invited: Invited) -> None:
    attempt_id = start(client, invited)
    count = state(client, attempt_id)["view"]["event_count"]
    sent = client.post(f"/attempts/{attempt_id}/turn", data={
        "type": "answer", "value": "Hello <script>alert(1)</script> Marta",
        "expected_index": str(count),
    })
    assert sent.status_code == 302 and sent.location.endswith(f"/attempts/{attempt_id}")
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt; Marta" in page
    assert "<script>alert(1)" not in page
    again = client.post(f"/attempts/{attempt_id}/turn", data={
        "type": "answer", "value": "A second tab", "expected_index": str(count)})
    assert again.status_code == 302
    assert "already answered" in client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    empty = client.post(f"/attempts/{attempt_id}/turn", data={"type": "answer", "value": " "})
    assert empty.status_code == 302
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Type something first." in page


def test_refused_form_answer_keeps_what_was_typed(client: FlaskClient, invited: Invited) -> None:
    attempt_id = start(client, invited)
    long_text = "word " * 5000
    client.post(f"/attempts/{attempt_id}/turn", data={"type": "answer", "value": long_text})
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "too long" in page
    assert long_text.strip()[:200] in page


def test_closing_the_browser_resumes_exactly_where_it_was(
    app: Flask, invited: Invited
) -> None:
    first = app.test_client()
    attempt_id = start(first, invited)
    turn(first, attempt_id, type="answer", value="Hi Marta, since when does this happen?")
    before = state(first, attempt_id)
    second = app.test_client()  # a new browser: no cookies
    assert second.get(f"/attempts/{attempt_id}").status_code == 302
    assert second.get(f"/i/{invited.token}").location.endswith("/candidate/next")
    assert second.get("/candidate/next").location.endswith(f"/attempts/{attempt_id}")
    after = state(second, attempt_id)
    assert after["events"] == before["events"]
    assert after["view"]["step"] == before["view"]["step"]


def test_finishing_every_part_shows_the_done_page_and_uses_up_the_link(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    first = start(client, invited)
    assert turn(client, first, type="leave").get_json()["ended"] is True
    page = client.get(f"/attempts/{first}").get_data(as_text=True)
    assert "This part is finished" in page and "/candidate/next" in page
    second = int(client.get("/candidate/next").location.rsplit("/", 1)[1])
    assert second != first
    client.post(f"/attempts/{second}/turn", data={"type": "leave"})
    assert client.get("/candidate/next").location.endswith("/candidate/done")
    assert "Thank you, Robin Example" in client.get("/candidate/done").get_data(as_text=True)
    again = client.get(f"/i/{invited.token}")
    assert again.status_code == 410 and "already completed" in again.get_data(as_text=True)
    with app.app_context():
        scores = db.session.scalars(sa.select(AutoScore)).all()
        assert len(scores) == 2
        summary = db.session.scalar(sa.select(InvitationSummary).where(
            InvitationSummary.invitation_id == invited.invitation_id))
        assert summary is not None and summary.finished_at is not None


def test_expert_playthrough_by_json_matches_the_engine_score(
    app: Flask, client: FlaskClient, invited: Invited, now: FixedClock
) -> None:
    attempt_id = start(client, invited)
    with app.app_context():
        scenario = library.catalog().scenarios[SCENARIO]
        rubric = library.catalog().rubrics[SCENARIO]
    inputs = list(next(p for p in scenario.playthroughs if p.id == "expert").inputs)
    count = state(client, attempt_id)["view"]["event_count"]
    for entry in inputs:
        action = replay.to_action(entry)
        assert not isinstance(action, float) and action.type == "answer"
        now.advance(seconds=20)
        body = turn(client, attempt_id, type="answer", value=action.value,
                    expected_index=count).get_json()
        count = body["view"]["event_count"]
    assert body["ended"] is True
    events, _ = replay.replay(scenario, inputs)
    with app.app_context():
        stored = db.session.scalar(sa.select(AutoScore).where(AutoScore.attempt_id == attempt_id))
        assert stored.total == scoring.score(events, scenario, rubric).total


def test_signal_endpoint(app: Flask, client: FlaskClient, invited: Invited) -> None:
    attempt_id = start(client, invited)
    url = f"/attempts/{attempt_id}/signal"
    assert client.post(url, json={"kind": "paste", "detail": {"length": 40}}).status_code == 201
    assert client.post(url, json={"kind": "blur"}).status_code == 201
    assert client.post(url, json={"kind": "keylogger"}).status_code == 422
    assert client.post(url, data="x", content_type="text/plain").status_code == 400
    with app.app_context():
        kinds = db.session.scalars(sa.select(IntegritySignal.kind)).all()
        assert sorted(kinds) == ["blur", "paste"]


def test_other_users_attempts_are_404(
    app: Flask, client: FlaskClient, invited: Invited, make_user: Callable[..., User], auth: Any
) -> None:
    attempt_id = start(client, invited)
    other = app.test_client()
    trainee = make_user("trainee")
    other.post("/login", data={"email": trainee.email, "password": trainee.password})
    assert other.get(f"/attempts/{attempt_id}").status_code == 404
    assert other.post(f"/attempts/{attempt_id}/turn", json={"type": "leave"}).status_code == 404
    assert other.post(f"/attempts/{attempt_id}/signal", json={"kind": "blur"}).status_code == 404
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == "in_progress"


@pytest.mark.parametrize("role", ["interviewer", "admin"])
def test_staff_cannot_use_candidate_pages(
    app: Flask, invited: Invited, make_user: Callable[..., User], role: str
) -> None:
    candidate = app.test_client()
    attempt_id = start(candidate, invited)
    staff = app.test_client()
    user = make_user(role)
    staff.post("/login", data={"email": user.email, "password": user.password})
    for url in ("/candidate/", "/candidate/next", f"/attempts/{attempt_id}"):
        assert staff.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient, invited: Invited) -> None:
    for url in ("/candidate/", "/candidate/done", "/attempts/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location
    assert client.post("/attempts/1/turn", json={"type": "leave"}).status_code in (302, 401)


def test_csrf_is_required_and_accepted_from_the_header(
    app_factory: Callable[..., Flask], invited: Invited
) -> None:
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get(f"/i/{invited.token}/start").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post(f"/i/{invited.token}/start", data={"agree": "y", "csrf_token": token})
    attempt_id = int(client.get("/candidate/next").location.rsplit("/", 1)[1])
    url = f"/attempts/{attempt_id}/turn"
    assert client.post(url, json={"type": "answer", "value": "Hi"}).status_code == 400
    ok = client.post(url, json={"type": "answer", "value": "Hi"}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200


@pytest.mark.parametrize("size", [2, 3, 5, 8])
def test_queue_order_is_stable_and_never_the_answer(size: int) -> None:
    from simulator.web.play_views import queue_order

    options = [{"id": f"t{i}", "label": f"Ticket {i}", "detail": ""} for i in range(size)]
    for seed in (f"{n}:queue" for n in range(40)):
        shown = queue_order(options, seed, [o["id"] for o in options])
        again = queue_order(list(reversed(options)), seed, [o["id"] for o in options])
        assert [o["id"] for o in shown] == [o["id"] for o in again]
        assert sorted(o["id"] for o in shown) == sorted(o["id"] for o in options)
        assert [o["id"] for o in shown] != [o["id"] for o in options]
        expected = [o["id"] for o in shown]  # even when the shuffle lands on the answer
        assert [o["id"] for o in queue_order(options, seed, expected)] != expected
