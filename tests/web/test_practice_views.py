"""Practice pages: catalogue and filters, hints, feedback, debrief, retry, progress, guards."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from simulator.domain import replay
from simulator.services import library
from simulator.services.clock import FixedClock
from simulator.services.progress import spark_points
from simulator.store.db import db
from simulator.store.models import Attempt, AttemptEvent, User

SCENARIO = "outlook-password-prompt"


@pytest.fixture
def trainee(client: FlaskClient, catalog: Any, make_user: Callable[..., User]) -> User:
    """Return a signed-in trainee."""
    user = make_user("trainee")
    client.post("/login", data={"email": user.email, "password": user.password})
    return user


def begin(client: FlaskClient, scenario_id: str = SCENARIO) -> int:
    """Start a practice attempt and return its id."""
    response = client.post(f"/practice/start/{scenario_id}")
    assert response.status_code == 302, response.status_code
    return int(re.search(r"/attempts/(\d+)$", response.location).group(1))


def playthrough(app: Flask, which: str) -> list[Any]:
    """Return a playthrough's inputs."""
    with app.app_context():
        scenario = library.catalog().scenarios[SCENARIO]
    return list(next(p for p in scenario.playthroughs if p.id == which).inputs)


def play(client: FlaskClient, attempt_id: int, inputs: list[Any], now: FixedClock) -> None:
    """Send every input as a JSON turn."""
    for entry in inputs:
        action = replay.to_action(entry)
        if isinstance(action, float):
            now.advance(seconds=action)
            continue
        now.advance(seconds=20)
        response = client.post(f"/attempts/{attempt_id}/turn",
                               json={"type": action.type, "value": action.value})
        assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("", True),
        ("?level=entry", True),
        ("?level=senior", False),
        ("?competency=m365-identity", True),
        ("?competency=no-such-competency", True),  # invalid choice: filter ignored
        ("?level=<script>alert(1)</script>", True),
    ],
)
def test_catalogue_filters(client: FlaskClient, trainee: User, query: str, listed: bool) -> None:
    response = client.get("/practice/" + query)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("Outlook keeps asking for my password" in page) is listed
    assert "<script>alert(1)" not in page


def test_hint_costs_are_shown_and_taking_one_is_recorded(
    app: Flask, client: FlaskClient, trainee: User
) -> None:
    attempt_id = begin(client)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    costs = re.findall(r"Take a hint \(costs (\d+) points\)", page)
    assert costs, "the first step offers a hint with its cost"
    hint_id = re.search(r'name="value" value="([^"]+)" data-type="hint"', page).group(1)
    response = client.post(f"/attempts/{attempt_id}/turn", data={"type": "hint", "value": hint_id})
    assert response.status_code == 302
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert f"Hint (−{costs[0]} points)" in page
    with app.app_context():
        hints = db.session.scalars(sa.select(AttemptEvent).where(
            AttemptEvent.attempt_id == attempt_id, AttemptEvent.type == "hint")).all()
        assert len(hints) == 1 and hints[0].data.get("cost") == int(costs[0])


def test_feedback_follows_each_turn_in_practice(client: FlaskClient, trainee: User) -> None:
    attempt_id = begin(client)
    body = client.post(f"/attempts/{attempt_id}/turn", json={
        "type": "answer",
        "value": "Hi Marta, I'm sorry this keeps interrupting you. When did it start, and did "
                 "anything change around then?"}).get_json()
    assert "feedback" in [e["type"] for e in body["events"]]
    assert body["view"]["hints"], "practice keeps the hints"


def test_debrief_waits_for_the_end_then_quotes_the_turns(
    app: Flask, client: FlaskClient, trainee: User, now: FixedClock
) -> None:
    attempt_id = begin(client)
    early = client.get(f"/practice/attempts/{attempt_id}/debrief")
    assert early.status_code == 302 and early.location.endswith(f"/attempts/{attempt_id}")
    play(client, attempt_id, playthrough(app, "weak"), now)
    page = client.get(f"/practice/attempts/{attempt_id}/debrief").get_data(as_text=True)
    assert "Points per criterion" in page and "What an expert did differently" in page
    assert "The turns that earned it:" in page
    weak_first, expert_first = playthrough(app, "weak")[0], playthrough(app, "expert")[0]
    assert str(escape(weak_first)) in page  # the trainee's own scoping turn is quoted
    assert "The expert's inputs that earned it:" in page
    assert str(escape(expert_first)) in page  # and the expert's better one
    with app.app_context():
        rubric = library.catalog().rubrics[SCENARIO]
    for criterion in rubric.criteria:
        assert criterion.label in page


def test_expert_run_has_nothing_to_learn(
    app: Flask, client: FlaskClient, trainee: User, now: FixedClock
) -> None:
    attempt_id = begin(client)
    play(client, attempt_id, playthrough(app, "expert"), now)
    page = client.get(f"/practice/attempts/{attempt_id}/debrief").get_data(as_text=True)
    assert "you matched the expert playthrough" in page
    assert "Passed" in page


def test_retry_starts_a_new_attempt(app: Flask, client: FlaskClient, trainee: User) -> None:
    first = begin(client)
    client.post(f"/attempts/{first}/turn", json={"type": "leave"})
    response = client.post(f"/practice/attempts/{first}/retry")
    second = int(response.location.rsplit("/", 1)[1])
    assert second != first
    with app.app_context():
        assert db.session.get(Attempt, second).scenario_id == SCENARIO
        assert db.session.get(Attempt, second).status == "in_progress"


def test_progress_page_plots_each_competency(
    app: Flask, client: FlaskClient, trainee: User, now: FixedClock
) -> None:
    assert "No finished practice attempts yet" in client.get("/practice/progress").get_data(
        as_text=True)
    for which in ("weak", "expert"):
        attempt_id = begin(client)
        play(client, attempt_id, playthrough(app, which), now)
    page = client.get("/practice/progress").get_data(as_text=True)
    assert page.count('class="spark-line"') >= 3
    assert "Customer communication" in page or "customer-communication" in page
    assert page.count("Debrief<span") == 2


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], ""),
        ([50], "80.0,18.0"),
        ([0, 100], "3.0,33.0 157.0,3.0"),
        ([150, -20], "3.0,3.0 157.0,33.0"),
    ],
)
def test_spark_points(values: list[float], expected: str) -> None:
    assert spark_points(values, 160, 36) == expected


def test_other_trainees_attempts_are_404(
    app: Flask, client: FlaskClient, trainee: User, make_user: Callable[..., User]
) -> None:
    attempt_id = begin(client)
    other = app.test_client()
    user = make_user("trainee")
    other.post("/login", data={"email": user.email, "password": user.password})
    for url in (f"/attempts/{attempt_id}", f"/practice/attempts/{attempt_id}/debrief"):
        assert other.get(url).status_code == 404
    assert other.post(f"/practice/attempts/{attempt_id}/retry").status_code == 404


@pytest.mark.parametrize("role", ["candidate", "interviewer", "admin"])
def test_only_trainees_practise(
    app: Flask, catalog: Any, make_user: Callable[..., User], role: str
) -> None:
    client = app.test_client()
    user = make_user(role, password="a long enough password 1")
    if role != "candidate":
        client.post("/login", data={"email": user.email, "password": user.password})
        assert client.get("/practice/").status_code == 403
        assert client.post(f"/practice/start/{SCENARIO}").status_code == 403
    else:
        assert client.get("/practice/").status_code == 302


def test_unknown_scenario_is_404(client: FlaskClient, trainee: User) -> None:
    assert client.post("/practice/start/does-not-exist").status_code == 404
