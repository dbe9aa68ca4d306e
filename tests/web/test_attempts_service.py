"""The attempts service: start, submit, resume, end and score, races, stale turns, time."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from simulator.domain import replay, scoring
from simulator.domain.session import Action, Event
from simulator.services import attempts, candidate_flow, library, signals
from simulator.services.clock import FixedClock
from simulator.services.errors import Forbidden, InvalidInput, NotFound
from simulator.store.db import db
from simulator.store.models import (
    Assessment,
    Attempt,
    AttemptEvent,
    AutoScore,
    ContentSnapshot,
    IntegritySignal,
    Invitation,
    User,
)

SCENARIO = "outlook-password-prompt"


@pytest.fixture
def ctx(app: Flask, catalog: Any) -> Iterator[None]:
    """Run the test inside an app context with the library loaded."""
    with app.app_context():
        yield


@pytest.fixture
def trainee(ctx: None, make_user: Callable[..., User]) -> User:
    """Return an attached trainee."""
    return db.session.get(User, make_user("trainee").id)


def expert_inputs(scenario_id: str = SCENARIO) -> list[Any]:
    """Return the inputs of the scenario's expert playthrough."""
    scenario = library.catalog().scenarios[scenario_id]
    return list(next(p for p in scenario.playthroughs if p.id == "expert").inputs)


def play_all(attempt: Attempt, inputs: list[Any], clock: FixedClock) -> attempts.Play | None:
    """Submit inputs as the web would (20 s per answer); return the last Play."""
    last = None
    for entry in inputs:
        action = replay.to_action(entry)
        if isinstance(action, float):
            clock.advance(seconds=action)
            continue
        clock.advance(seconds=20)
        last = attempts.submit_action(attempt, action, clock(), attempt.state["event_count"])
    return last


def event_rows(attempt_id: int) -> list[AttemptEvent]:
    """Return the stored events of an attempt."""
    return list(db.session.scalars(
        sa.select(AttemptEvent).where(AttemptEvent.attempt_id == attempt_id)
        .order_by(AttemptEvent.index)
    ))


def make_invitation(
    creator: User, scenario_ids: list[str], now: FixedClock, limit: int | None = None,
    extra: int = 0,
) -> Invitation:
    """Create an open assessment and an invitation to it."""
    assessment = Assessment(
        title="Test assessment", scenario_ids=scenario_ids, time_limit_minutes=limit,
        opens_at=now() - timedelta(days=1), created_by_id=creator.id,
    )
    db.session.add(assessment)
    db.session.flush()
    invitation = Invitation(
        assessment_id=assessment.id, candidate_name="Cand Idate",
        candidate_email="cand@example.test", token_hash="x" * 64,
        expires_at=now() + timedelta(days=7), extra_minutes=extra, created_by_id=creator.id,
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


def test_start_pins_content_and_time_limit(trainee: User, now: FixedClock) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    scenario = library.catalog().scenarios[SCENARIO]
    assert attempt.scenario_hash == scenario.content_hash
    assert attempt.rubric_hash == library.catalog().rubrics[SCENARIO].content_hash
    assert db.session.get(ContentSnapshot, attempt.scenario_hash).kind == "scenario"
    assert db.session.get(ContentSnapshot, attempt.rubric_hash).kind == "rubric"
    assert attempt.time_limit_seconds == scenario.maximum_minutes * 60
    assert attempt.state["step"] == scenario.start
    rows = event_rows(attempt.id)
    assert [r.index for r in rows] == list(range(attempt.state["event_count"]))
    assert rows[0].type == "step"


@pytest.mark.parametrize(
    ("limit", "extra", "expected_minutes"),
    [(None, 0, None), (None, 15, "max+15"), (40, 0, 40), (40, 20, 60)],
)
def test_time_limit_from_assessment_and_extra_minutes(
    trainee: User, now: FixedClock, make_user: Callable[..., User],
    limit: int | None, extra: int, expected_minutes: Any,
) -> None:
    creator = db.session.get(User, make_user("interviewer").id)
    invitation = make_invitation(creator, [SCENARIO], now, limit, extra)
    attempt = attempts.start_attempt(trainee, SCENARIO, "assessment", invitation, now=now())
    maximum = library.catalog().scenarios[SCENARIO].maximum_minutes
    minutes = {None: maximum, "max+15": maximum + 15}.get(expected_minutes, expected_minutes)
    assert attempt.time_limit_seconds == minutes * 60
    assert attempt.state["time_limit"] == minutes * 60
    assert attempt.assessment_id == invitation.assessment_id


@pytest.mark.parametrize(
    ("scenario_id", "mode", "error"),
    [("no-such-scenario", "practice", NotFound), (SCENARIO, "exam", InvalidInput)],
)
def test_start_rejects_bad_input(
    trainee: User, now: FixedClock, scenario_id: str, mode: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        attempts.start_attempt(trainee, scenario_id, mode, now=now())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0


def test_expert_playthrough_finishes_and_scores_like_the_engine(
    trainee: User, now: FixedClock
) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    inputs = expert_inputs()
    last = play_all(attempt, inputs, now)
    assert last is not None and last.ended
    assert attempt.status == "finished" and attempt.finished_at == now()
    score = db.session.scalar(sa.select(AutoScore).where(AutoScore.attempt_id == attempt.id))
    scenario = library.catalog().scenarios[SCENARIO]
    events, _ = replay.replay(scenario, inputs)
    expected = scoring.score(events, scenario, library.catalog().rubrics[SCENARIO])
    assert score.total == expected.total
    assert score.passed is expected.passed is True
    assert score.report["criteria"] == [c.to_dict() for c in expected.criteria]
    rows = event_rows(attempt.id)
    assert [r.index for r in rows] == list(range(len(rows)))
    assert len(rows) == attempt.state["event_count"]


def test_resume_rebuilds_the_same_transcript(trainee: User, now: FixedClock) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    first = attempts.resume(attempt, now())
    seen = list(first.events)
    for entry in expert_inputs()[:4]:
        now.advance(seconds=30)
        play = attempts.submit_action(attempt, Action("answer", entry), now())
        seen.extend(play.events)
    db.session.expire_all()
    again = attempts.resume(db.session.get(Attempt, attempt.id), now())
    assert list(again.events) == seen
    assert again.view["event_count"] == attempt.state["event_count"]
    assert again.view["step"]["id"] == attempt.state["step"]


def test_stale_expected_index_is_rejected_and_changes_nothing(
    trainee: User, now: FixedClock
) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    count = attempt.state["event_count"]
    attempts.submit_action(attempt, Action("answer", "Hello Marta"), now(), count)
    after = attempt.state["event_count"]
    with pytest.raises(attempts.StaleTurn):
        attempts.submit_action(attempt, Action("answer", "Hello again"), now(), count)
    assert attempt.state["event_count"] == after
    assert len(event_rows(attempt.id)) == after


@pytest.mark.parametrize(
    "action",
    [Action("answer", ["not", "text"]), Action("answer", ""), Action("answer", {"a": "b"})],
)
def test_refused_action_returns_the_engine_message(
    trainee: User, now: FixedClock, action: Action
) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    before = dict(attempt.state)
    with pytest.raises(attempts.TurnRefused) as caught:
        attempts.submit_action(attempt, action, now())
    assert caught.value.message
    assert caught.value.status_code == 422
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).state == before


def test_hints_are_practice_only(
    trainee: User, now: FixedClock, make_user: Callable[..., User]
) -> None:
    practice = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    hint = practice and library.catalog().scenarios[SCENARIO].step(practice.state["step"]).hints
    assert hint, "the first step of the scenario offers a hint"
    play = attempts.submit_action(practice, Action("hint", hint[0].id), now())
    assert [e["type"] for e in play.events] == ["hint"]
    assert play.view["hints"][0]["taken"] and play.view["hints"][0]["text"] == hint[0].text
    creator = db.session.get(User, make_user("interviewer").id)
    invitation = make_invitation(creator, [SCENARIO], now)
    exam = attempts.start_attempt(trainee, SCENARIO, "assessment", invitation, now=now())
    assert attempts.resume(exam, now()).view["hints"] == []
    with pytest.raises(attempts.TurnRefused):
        attempts.submit_action(exam, Action("hint", hint[0].id), now())


def test_time_limit_is_enforced_by_the_server(trainee: User, now: FixedClock) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    now.advance(seconds=attempt.time_limit_seconds + 1)
    play = attempts.submit_action(attempt, Action("answer", "Hello?"), now())
    assert play.ended and attempt.status == "timed_out"
    assert "You:" not in " ".join(e["text"] for e in play.events)
    assert all(e["actor"] != "candidate" for e in play.events)
    with pytest.raises(attempts.TurnRefused):
        attempts.submit_action(attempt, Action("answer", "Too late"), now())


def test_resume_after_the_limit_closes_the_attempt(trainee: User, now: FixedClock) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    now.advance(seconds=attempt.time_limit_seconds - 5)
    assert not attempts.resume(attempt, now()).ended
    now.advance(seconds=10)
    play = attempts.resume(attempt, now())
    assert play.ended and play.view["seconds_left"] == 0
    assert attempt.status == "timed_out"
    assert db.session.scalar(sa.select(AutoScore.total).where(AutoScore.attempt_id == attempt.id)) \
        is not None


def test_leaving_ends_and_scores_the_attempt(trainee: User, now: FixedClock) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    play = attempts.submit_action(attempt, Action("leave"), now())
    assert play.ended and attempt.status == "abandoned"
    assert db.session.scalar(sa.select(AutoScore).where(AutoScore.attempt_id == attempt.id))


def test_a_stale_copy_of_the_attempt_cannot_apply_a_second_turn(
    app: Flask, trainee: User, now: FixedClock
) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    attempt_id, count = attempt.id, attempt.state["event_count"]
    with app.app_context():  # a second request, racing on the same attempt
        other = db.session.get(Attempt, attempt_id)
        attempts.submit_action(other, Action("answer", "First tab"), now())
        db.session.remove()
    assert attempt.state["event_count"] == count  # this copy has not seen the turn
    with pytest.raises(attempts.StaleTurn):
        attempts.submit_action(attempt, Action("answer", "Second tab"), now())
    texts = [r.text for r in event_rows(attempt_id) if r.actor == "candidate"]
    assert texts == ["First tab"]


def test_racing_threads_apply_exactly_one_turn(app: Flask, trainee: User, now: FixedClock) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    attempt_id, count = attempt.id, attempt.state["event_count"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def turn(text: str) -> None:
        with app.app_context():
            mine = db.session.get(Attempt, attempt_id)
            barrier.wait()
            try:
                attempts.submit_action(mine, Action("answer", text), now(), count)
                outcomes.append("ok")
            except attempts.StaleTurn:
                outcomes.append("stale")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=turn, args=(t,)) for t in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "stale"]
    db.session.expire_all()
    assert len([r for r in event_rows(attempt_id) if r.actor == "candidate"]) == 1


def test_public_events_never_carry_tags_or_rule_ids(trainee: User, now: FixedClock) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    last = play_all(attempt, expert_inputs()[:6], now)
    assert last is not None
    for event in attempts.resume(attempt, now()).events:
        assert set(event) == {"type", "actor", "text", "step", "who"}
    stored = event_rows(attempt.id)
    assert any(r.data.get("tags") for r in stored), "the transcript itself keeps the evidence"


@pytest.mark.parametrize(
    ("actor", "text", "who", "shown"),
    [
        ("persona", 'Richard: "No, I never asked."', "Richard", '"No, I never asked."'),
        ("persona", "Caller: (The line goes dead.)", "Caller", "(The line goes dead.)"),
        ("persona", "It says: error 0x80070005", "", "It says: error 0x80070005"),
        ("persona", 'lower: "not a name"', "", 'lower: "not a name"'),
        ("machine", 'Name: "intranet"', "", 'Name: "intranet"'),
    ],
)
def test_public_events_split_a_named_speaker(actor: str, text: str, who: str, shown: str) -> None:
    event = Event(index=0, at=0.0, type="persona", actor=actor, step="s", text=text)
    public = attempts.public_events([event], "assessment")[0]
    assert (public["who"], public["text"]) == (who, shown)


@pytest.mark.parametrize(("mode", "shown"), [("practice", True), ("assessment", False)])
def test_feedback_and_hint_events_only_in_practice(mode: str, shown: bool) -> None:
    from simulator.domain.session import Event

    events = [Event(0, 0.0, "feedback", "system", "s", "Good"),
              Event(1, 0.0, "hint", "system", "s", "Try X"),
              Event(2, 0.0, "persona", "persona", "s", "Hi")]
    types = [e["type"] for e in attempts.public_events(events, mode)]
    assert ("feedback" in types) is shown and ("hint" in types) is shown
    assert "persona" in types


@pytest.mark.parametrize(
    ("kind", "detail", "error"),
    [
        ("paste", {"length": 12, "field": "value"}, None),
        ("blur", None, None),
        ("focus", {"away_seconds": 4}, None),
        ("long_pause", {"idle_seconds": 200}, None),
        ("screenshot", {}, InvalidInput),
        ("paste", {"nested": {"a": 1}}, InvalidInput),
        ("paste", ["not", "a", "mapping"], InvalidInput),
        ("paste", {f"k{i}": i for i in range(30)}, InvalidInput),
    ],
)
def test_record_signal(
    trainee: User, now: FixedClock, kind: str, detail: Any, error: type[Exception] | None
) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    now.advance(seconds=42)
    if error is not None:
        with pytest.raises(error):
            signals.record_signal(attempt, kind, detail, now())
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IntegritySignal)) == 0
        return
    signal = signals.record_signal(attempt, kind, detail, now())
    assert signal.kind == kind and signal.at == pytest.approx(42.0)
    assert signal.detail == (detail or {})


def test_long_signal_text_is_truncated_and_closed_attempts_refuse(
    trainee: User, now: FixedClock
) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    signal = signals.record_signal(attempt, "paste", {"field": "x" * 10_000}, now())
    assert len(signal.detail["field"]) == signals.MAX_SIGNAL_DETAIL
    attempts.submit_action(attempt, Action("leave"), now())
    with pytest.raises(Forbidden):
        signals.record_signal(attempt, "blur", None, now())


def test_get_attempt_hides_other_users_attempts(
    trainee: User, now: FixedClock, make_user: Callable[..., User]
) -> None:
    attempt = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    other = db.session.get(User, make_user("trainee").id)
    assert attempts.get_attempt(trainee, attempt.id) is attempt
    for user, attempt_id in ((other, attempt.id), (trainee, attempt.id + 999)):
        with pytest.raises(NotFound):
            attempts.get_attempt(user, attempt_id)


def test_assessment_flow_plays_scenarios_in_position_order(
    ctx: None, now: FixedClock, make_user: Callable[..., User]
) -> None:
    creator = db.session.get(User, make_user("interviewer").id)
    invitation = make_invitation(creator, [SCENARIO, SCENARIO], now)
    user = candidate_flow.candidate_for(invitation)
    assert user.role == "candidate" and invitation.candidate_user_id == user.id
    assert candidate_flow.candidate_for(invitation).id == user.id
    with pytest.raises(Forbidden):
        candidate_flow.next_attempt(invitation, user, now())
    candidate_flow.consent(invitation, now())
    first = candidate_flow.next_attempt(invitation, user, now())
    assert first is not None and first.position == 0
    assert candidate_flow.next_attempt(invitation, user, now()).id == first.id  # resumes
    attempts.submit_action(first, Action("leave"), now())
    second = candidate_flow.next_attempt(invitation, user, now())
    assert second is not None and second.position == 1 and second.id != first.id
    now.advance(seconds=second.time_limit_seconds + 1)
    assert candidate_flow.next_attempt(invitation, user, now()) is None
    assert second.status == "timed_out" and invitation.finished_at == now()


def _part_rows(invitation_id: int) -> list[Attempt]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(Attempt).where(Attempt.invitation_id == invitation_id)
    ))


@pytest.mark.parametrize("scenario_ids", [[SCENARIO], ["dns-resolution-failure", SCENARIO]])
def test_second_start_of_a_part_returns_the_first_attempt(
    trainee: User, now: FixedClock, make_user: Callable[..., User], scenario_ids: list[str],
) -> None:
    creator = db.session.get(User, make_user("interviewer").id)
    invitation = make_invitation(creator, scenario_ids, now)
    first = attempts.start_attempt(trainee, SCENARIO, "assessment", invitation, now=now())
    again = attempts.start_attempt(trainee, SCENARIO, "assessment", invitation, now=now())
    assert again.id == first.id
    assert [(a.id, a.position) for a in _part_rows(invitation.id)] == [
        (first.id, scenario_ids.index(SCENARIO))]


def test_practice_attempts_are_not_unique_per_position(trainee: User, now: FixedClock) -> None:
    one = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    two = attempts.start_attempt(trainee, SCENARIO, "practice", now=now())
    assert one.id != two.id and one.position == two.position == 0


def test_unique_index_refuses_a_duplicate_part_row(
    trainee: User, now: FixedClock, make_user: Callable[..., User],
) -> None:
    creator = db.session.get(User, make_user("interviewer").id)
    invitation = make_invitation(creator, [SCENARIO], now)
    first = attempts.start_attempt(trainee, SCENARIO, "assessment", invitation, now=now())
    db.session.add(Attempt(
        user_id=trainee.id, invitation_id=invitation.id, mode="assessment", position=0,
        scenario_id=SCENARIO, scenario_hash=first.scenario_hash,
        rubric_hash=first.rubric_hash, state={}, time_limit_seconds=60,
    ))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_racing_tabs_open_one_attempt_per_part(
    app: Flask, ctx: None, make_user: Callable[..., User], now: FixedClock,
) -> None:
    creator = db.session.get(User, make_user("interviewer").id)
    invitation = make_invitation(creator, [SCENARIO, "dns-resolution-failure"], now)
    user = candidate_flow.candidate_for(invitation)
    candidate_flow.consent(invitation, now())
    invitation_id, user_id = invitation.id, user.id
    barrier = threading.Barrier(2)
    opened: list[int] = []

    def open_next() -> None:
        with app.app_context():
            mine = db.session.get(Invitation, invitation_id)
            me = db.session.get(User, user_id)
            barrier.wait()
            try:
                attempt = candidate_flow.next_attempt(mine, me, now())
                assert attempt is not None
                opened.append(attempt.id)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=open_next) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = _part_rows(invitation_id)
    assert len(opened) == 2 and len(set(opened)) == 1
    assert [(a.id, a.position) for a in rows] == [(opened[0], 0)]


@pytest.mark.parametrize("whose", ["mine", "theirs", "missing"])
def test_user_and_attempt_loads_only_the_users_own_attempt(
    trainee: User, now: FixedClock, make_user: Callable[..., User], whose: str,
) -> None:
    other = db.session.get(User, make_user("trainee").id)
    owner = {"mine": trainee, "theirs": other, "missing": trainee}[whose]
    attempt_id = attempts.start_attempt(owner, SCENARIO, "practice", now=now()).id
    user_id = trainee.id
    db.session.remove()
    wanted = attempt_id if whose != "missing" else attempt_id + 999
    user, attempt = attempts.user_and_attempt(user_id, wanted)
    assert user is not None and user.id == user_id and user.role == "trainee"
    assert (attempt is not None) == (whose == "mine")
    if attempt is not None:
        assert attempt.user_id == user_id and attempt.state["event_count"] > 0
        assert db.session.get(Attempt, attempt_id) is attempt  # attached, no second copy


@pytest.mark.parametrize("user_id", [0, -1, 10**9])
def test_user_and_attempt_for_an_unknown_user_is_empty(ctx: None, user_id: int) -> None:
    assert attempts.user_and_attempt(user_id, 1) == (None, None)


def test_preloaded_attempt_tracks_changes_and_finishes(trainee: User, now: FixedClock) -> None:
    attempt_id = attempts.start_attempt(trainee, SCENARIO, "practice", now=now()).id
    user_id = trainee.id
    db.session.remove()
    _, attempt = attempts.user_and_attempt(user_id, attempt_id)
    assert attempt is not None
    last = play_all(attempt, expert_inputs(), now)
    assert last is not None and last.ended
    db.session.remove()
    stored = db.session.get(Attempt, attempt_id)
    assert stored.status == "finished" and stored.finished_at is not None
    assert db.session.scalar(sa.select(AutoScore).where(AutoScore.attempt_id == attempt_id))
