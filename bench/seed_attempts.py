"""Seed a SQLite database with N finished, scored attempts for the results benchmarks.

Usage: .venv/bin/python -m bench.seed_attempts [--db PATH] [--attempts 100000]

One assessment (role profile entry-technician) gets one invitation and one finished
attempt per candidate. Automatic scores come from replaying the bundled scenario's
playthroughs through the real engine and scorer (each candidate gets one of them);
2% of attempts carry a human override and 10% an integrity signal. Summary rows are
written in bulk with the same ``results.standing`` maths the app uses. Transcript
events are inserted for the first 200 attempts only (the results page and the CSV
never read them).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from simulator.domain import replay, scoring  # noqa: E402
from simulator.domain.overrides import apply_overrides  # noqa: E402
from simulator.services import library, results  # noqa: E402
from simulator.store.db import db  # noqa: E402
from simulator.store.models import (  # noqa: E402
    Assessment,
    Attempt,
    AttemptEvent,
    AutoScore,
    IntegritySignal,
    Invitation,
    User,
)
from simulator.store.review_models import HumanScore, InvitationSummary  # noqa: E402
from simulator.web import create_app  # noqa: E402

SCENARIO = "outlook-password-prompt"
CHUNK = 5000
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FIRST = ["Ada", "Bob", "Cy", "Dee", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kai", "Lea"]
LAST = ["Okafor", "Smith", "Nguyen", "Garcia", "Kowalski", "Haddad", "Tanaka", "Silva"]


def make_app(path: Path) -> Any:
    """Return an app on a freshly migrated SQLite file."""
    from flask_migrate import upgrade

    if path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "TESTING": True})
    with app.app_context():
        upgrade()
    return app


def _load_library() -> None:
    """Make sure the bundled library is loaded (tests' fallback while Catalog is missing)."""
    if library.load_error():
        from tests.web.review_factories import ensure_library

        ensure_library()


def variants() -> list[dict[str, Any]]:
    """Return one scored playthrough per bundled playthrough of the scenario."""
    catalog = library.catalog()
    scenario, rubric = catalog.scenarios[SCENARIO], catalog.rubrics[SCENARIO]
    out = []
    for playthrough in scenario.playthroughs:
        outcome = replay.run(scenario, playthrough.inputs)
        report = scoring.score(outcome.events, scenario, rubric)
        out.append({"report": report, "events": outcome.events, "state": outcome.state})
    return out


def _bulk(model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert rows in chunks with executemany."""
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(model), rows[start:start + CHUNK])


def seed(app: Any, count: int) -> dict[str, float]:
    """Insert ``count`` invitations/attempts/scores/summaries; return timings."""
    rng = random.Random(20260302)
    timings: dict[str, float] = {}
    with app.app_context():
        _load_library()
        started = time.perf_counter()
        runs = variants()
        catalog = library.catalog()
        scenario, rubric = catalog.scenarios[SCENARIO], catalog.rubrics[SCENARIO]
        s_hash, r_hash = library.snapshot_scenario(scenario), library.snapshot_rubric(rubric)
        interviewer = User(email="bench.interviewer@example.test", name="Bench Interviewer",
                           role="interviewer", password_hash=None, created_at=NOW)
        db.session.add(interviewer)
        db.session.flush()
        assessment = Assessment(title="Benchmark assessment", role_profile_id="entry-technician",
                                scenario_ids=[SCENARIO], opens_at=NOW - timedelta(days=30),
                                created_by_id=interviewer.id, created_at=NOW)
        db.session.add(assessment)
        db.session.commit()
        ids = _insert_people(assessment, interviewer.id, count, rng)
        _insert_attempts(assessment, ids, runs, s_hash, r_hash, scenario, rng)
        overrides = _insert_overrides(ids, runs, rubric, interviewer.id, rng)
        _insert_summaries(assessment, ids, runs, rubric, overrides)
        db.session.commit()
        timings["seed_seconds"] = time.perf_counter() - started
    return timings


def _insert_people(assessment: Any, creator: int, count: int,
                   rng: random.Random) -> list[dict[str, Any]]:
    """Insert candidate users and invitations; return per-candidate plans."""
    users, invitations, plans = [], [], []
    base_user = db.session.scalar(sa.select(sa.func.max(User.id))) or 0
    for n in range(1, count + 1):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n:06d}"
        email = f"candidate{n:06d}@example.test"
        users.append({"id": base_user + n, "email": email, "name": name, "role": "candidate",
                      "password_hash": None, "is_active": True, "created_at": NOW})
        invitations.append({
            "id": n, "assessment_id": assessment.id, "candidate_name": name,
            "candidate_email": email, "token_hash": f"{n:064x}",
            "expires_at": NOW + timedelta(days=7), "opened_at": NOW - timedelta(hours=2),
            "consented_at": NOW - timedelta(hours=2), "finished_at": NOW - timedelta(hours=1),
            "extra_minutes": 0, "candidate_user_id": base_user + n,
            "created_by_id": creator, "created_at": NOW - timedelta(days=1)})
        plans.append({"user": base_user + n, "invitation": n, "name": name})
    _bulk(User, users)
    _bulk(Invitation, invitations)
    return plans


def _insert_attempts(assessment: Any, plans: list[dict[str, Any]], runs: list[dict[str, Any]],
                     s_hash: str, r_hash: str, scenario: Any, rng: random.Random) -> None:
    """Insert one finished attempt, its AutoScore and maybe a signal per candidate."""
    attempts, scores, signals, events = [], [], [], []
    for n, plan in enumerate(plans, start=1):
        run = runs[rng.randrange(len(runs))]
        plan["run"] = run
        report = run["report"]
        attempts.append({
            "id": n, "user_id": plan["user"], "invitation_id": plan["invitation"],
            "assessment_id": assessment.id, "mode": "assessment", "position": 0,
            "scenario_id": SCENARIO, "scenario_hash": s_hash, "rubric_hash": r_hash,
            "state": run["state"].to_dict(), "status": "finished",
            "started_at": NOW - timedelta(hours=2), "finished_at": NOW - timedelta(hours=1),
            "time_limit_seconds": scenario.maximum_minutes * 60})
        scores.append({"attempt_id": n, "total": report.total, "passed": report.passed,
                       "competencies": dict(report.competencies),
                       "flags": [f.id for f in report.flags], "report": report.to_dict(),
                       "created_at": NOW})
        if rng.random() < 0.10:
            signals.append({"attempt_id": n, "kind": "paste", "at": 42.0, "detail": {},
                            "created_at": NOW})
        if n <= 200:
            events.extend({"attempt_id": n, "index": e.index, "at": e.at, "type": e.type,
                           "actor": e.actor, "step": e.step, "text": e.text,
                           "data": dict(e.data), "created_at": NOW} for e in run["events"])
    _bulk(Attempt, attempts)
    _bulk(AutoScore, scores)
    _bulk(IntegritySignal, signals)
    _bulk(AttemptEvent, events)


def _insert_overrides(plans: list[dict[str, Any]], runs: list[dict[str, Any]], rubric: Any,
                      author: int, rng: random.Random) -> dict[int, dict[str, str]]:
    """Give 2% of attempts a human level on their first criterion."""
    criterion = next(c for c in rubric.criteria if len(c.levels) > 1)
    rows, applied = [], {}
    for n, _plan in enumerate(plans, start=1):
        if rng.random() >= 0.02:
            continue
        level = rng.choice(criterion.levels)
        rows.append({"attempt_id": n, "criterion_id": criterion.id, "level_id": level.id,
                     "points": level.points, "reason": "Benchmark override.",
                     "author_id": author, "created_at": NOW, "blind": False})
        applied[n] = {criterion.id: level.id}
    _bulk(HumanScore, rows)
    return applied


def _insert_summaries(assessment: Any, plans: list[dict[str, Any]], runs: list[dict[str, Any]],
                      rubric: Any, overrides: dict[int, dict[str, str]]) -> None:
    """Write one summary row per invitation with the app's standing maths."""
    cache: dict[int, Any] = {}
    rows = []
    for n, plan in enumerate(plans, start=1):
        report = plan["run"]["report"]
        if n in overrides:
            standing = results.standing(
                assessment, [apply_overrides(report, rubric, overrides[n])])
        else:
            key = id(plan["run"])
            if key not in cache:
                cache[key] = results.standing(assessment, [report])
            standing = cache[key]
        flags = sorted({f.id for f in report.flags})
        rows.append({
            "invitation_id": plan["invitation"], "assessment_id": assessment.id,
            "candidate_name": plan["name"], "sort_name": plan["name"].casefold(),
            "overall": standing.overall, "verdict": standing.verdict,
            "competencies": standing.competencies, "flags": flags, "flag_count": len(flags),
            "flagged": bool(flags), "base_status": "finished",
            "expires_at": NOW + timedelta(days=7),
            "signal_count": 0, "override_count": 1 if n in overrides else 0,
            "attempts_scored": 1, "needs_review": len(report.needs_review),
            "decision": None, "reasons": standing.reasons,
            "finished_at": NOW - timedelta(hours=1), "updated_at": NOW})
    _bulk(InvitationSummary, rows)
    db.session.execute(sa.text(
        "UPDATE invitation_summary SET signal_count = (SELECT count(*) FROM integrity_signal s "
        "JOIN attempt a ON a.id = s.attempt_id WHERE a.invitation_id = "
        "invitation_summary.invitation_id)"))


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=REPO / "instance" / "bench.sqlite3")
    parser.add_argument("--attempts", type=int, default=100_000)
    args = parser.parse_args(argv)
    app = make_app(args.db)
    timings = seed(app, args.attempts)
    print(f"seeded {args.attempts} attempts into {args.db} in {timings['seed_seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
