"""Build finished, scored attempts for review tests by replaying bundled playthroughs.

The domain engine replays a scenario's built-in playthrough; the events and the
automatic score are inserted as the candidate services would store them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from simulator.domain import replay, scoring
from simulator.services import library
from simulator.store.db import db
from simulator.store.models import (
    Assessment,
    Attempt,
    AttemptEvent,
    AutoScore,
    IntegritySignal,
    Invitation,
    User,
)

SCENARIO = "outlook-password-prompt"


@dataclass
class Seeded:
    """Ids of what ``seed_assessment`` created."""

    assessment_id: int
    invitation_ids: list[int] = field(default_factory=list)
    attempt_ids: list[int] = field(default_factory=list)


def finished_attempt(user_id: int, invitation: Invitation | None, scenario_id: str,
                     playthrough_id: str, now: datetime, position: int = 0) -> Attempt:
    """Replay a playthrough and insert the attempt, its events and its AutoScore."""
    catalog = library.catalog()
    scenario, rubric = catalog.scenarios[scenario_id], catalog.rubrics[scenario_id]
    playthrough = next(p for p in scenario.playthroughs if p.id == playthrough_id)
    outcome = replay.run(scenario, playthrough.inputs)
    report = scoring.score(outcome.events, scenario, rubric)
    started = now - timedelta(seconds=max(60.0, outcome.events[-1].at))
    attempt = Attempt(
        user_id=user_id, invitation_id=invitation.id if invitation else None,
        assessment_id=invitation.assessment_id if invitation else None,
        mode="assessment" if invitation else "practice", position=position,
        scenario_id=scenario_id, scenario_hash=library.snapshot_scenario(scenario),
        rubric_hash=library.snapshot_rubric(rubric), state=outcome.state.to_dict(),
        status="finished", started_at=started, finished_at=now,
        time_limit_seconds=scenario.maximum_minutes * 60,
    )
    db.session.add(attempt)
    db.session.flush()
    for event in outcome.events:
        db.session.add(AttemptEvent(
            attempt_id=attempt.id, index=event.index, at=event.at, type=event.type,
            actor=event.actor, step=event.step, text=event.text, data=dict(event.data),
            created_at=now,
        ))
    db.session.add(AutoScore(
        attempt_id=attempt.id, total=float(report.total), passed=bool(report.passed),
        competencies=dict(report.competencies), flags=[f.id for f in report.flags],
        report=report.to_dict(), created_at=now,
    ))
    db.session.flush()
    return attempt


def seed_assessment(interviewer_id: int, now: datetime,
                    candidates: list[tuple[str, str | None]],
                    role_profile_id: str | None = None, title: str = "Service desk hiring",
                    signals: int = 0) -> Seeded:
    """Create an assessment and one invitation per (name, playthrough id or None)."""
    ensure_library()
    assessment = Assessment(
        title=title, role_profile_id=role_profile_id, scenario_ids=[SCENARIO],
        opens_at=now - timedelta(days=1), created_by_id=interviewer_id, created_at=now,
    )
    db.session.add(assessment)
    db.session.flush()
    seeded = Seeded(assessment.id)
    for number, (name, playthrough_id) in enumerate(candidates, start=1):
        email = f"{name.lower().replace(' ', '.')}.{assessment.id}.{number}@example.test"
        user = User(email=email, name=name, role="candidate", password_hash=None)
        db.session.add(user)
        db.session.flush()
        invitation = Invitation(
            assessment_id=assessment.id, candidate_name=name, candidate_email=email,
            token_hash=f"{assessment.id:08d}{number:056d}", expires_at=now + timedelta(days=7),
            created_by_id=interviewer_id, candidate_user_id=user.id, created_at=now,
        )
        db.session.add(invitation)
        db.session.flush()
        seeded.invitation_ids.append(invitation.id)
        if playthrough_id is None:
            continue
        invitation.opened_at = invitation.consented_at = now - timedelta(minutes=30)
        invitation.finished_at = now
        attempt = finished_attempt(user.id, invitation, SCENARIO, playthrough_id, now)
        seeded.attempt_ids.append(attempt.id)
        for second in range(signals):
            db.session.add(IntegritySignal(attempt_id=attempt.id, kind="paste",
                                           at=float(second), detail={}, created_at=now))
    db.session.commit()
    return seeded


def criterion_with_levels(attempt_id: int, needs_review: bool | None = None) -> tuple[Any, str]:
    """Return (criterion, automatic level id) of a criterion of the attempt with 2+ levels."""
    attempt = db.session.get(Attempt, attempt_id)
    rubric = library.rubric_for_hash(attempt.rubric_hash)
    auto = db.session.query(AutoScore).filter_by(attempt_id=attempt_id).one()
    levels = {c["id"]: c["level"] for c in auto.report["criteria"]}
    for criterion in rubric.criteria:
        if len(criterion.levels) < 2:
            continue
        if needs_review is not None and criterion.needs_review != needs_review:
            continue
        return criterion, levels[criterion.id]
    raise LookupError("no criterion with levels")


def ensure_library() -> None:
    """Load the bundled library directly when the domain Catalog is not importable yet.

    Test-only fallback: parses the bundled YAML with the loader and installs it as the
    app's catalog, so review tests run while the Catalog module is being written.
    """
    from pathlib import Path

    from flask import current_app

    from simulator.domain import loader
    from simulator.services.library import EmptyCatalog, _read_texts, _state

    if not library.load_error():
        return
    state = _state()
    scenarios_dir = Path(current_app.config["SCENARIOS_DIR"])
    rubrics_dir = Path(current_app.config["RUBRICS_DIR"])
    catalog = EmptyCatalog()
    for path in sorted(scenarios_dir.glob("*.yaml")):
        scenario = loader.parse_scenario(path.read_text(encoding="utf-8"), str(path))
        rubric_path = rubrics_dir / path.name
        if rubric_path.is_file():
            catalog.scenarios[scenario.id] = scenario
            catalog.rubrics[scenario.id] = loader.parse_rubric(
                rubric_path.read_text(encoding="utf-8"), str(rubric_path))
    comps = loader.parse_competencies(
        (rubrics_dir / "competencies.yaml").read_text(encoding="utf-8"), "competencies.yaml")
    roles = loader.parse_roles(
        (rubrics_dir / "roles.yaml").read_text(encoding="utf-8"), "roles.yaml")
    catalog.framework = loader.build_framework(comps, roles)
    state.catalog = catalog
    state.texts = _read_texts(catalog)
    state.load_error = ""


@dataclass
class ReviewEnv:
    """Users and seeded data for review web tests."""

    interviewer: Any
    other: Any
    admin: Any
    seeded: Seeded


def review_env(app: Any, make_user: Any, now: Any, role_profile_id: str | None = None,
               candidates: list[tuple[str, str | None]] | None = None) -> ReviewEnv:
    """Create an interviewer (owner), another interviewer, an admin and an assessment."""
    interviewer, other, admin = make_user("interviewer"), make_user("interviewer"), make_user(
        "admin")
    with app.app_context():
        seeded = seed_assessment(interviewer.id, now(), candidates or [
            ("Ada Expert", "expert"), ("Bob Weak", "weak"), ("Cy Unsafe", "unsafe"),
            ("Dee Pending", None)], role_profile_id=role_profile_id, signals=1)
        db.session.remove()
    return ReviewEnv(interviewer, other, admin, seeded)
