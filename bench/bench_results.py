"""Measure the results page (sorted, filtered, paged) and the CSV export.

Usage: .venv/bin/python -m bench.seed_attempts --attempts 100000
       .venv/bin/python -m bench.bench_results [--db PATH] [--rounds 30]

Requests go through the Flask test client (routing, guard, service, SQL, template),
signed in as the benchmark interviewer. Prints p50/p95 per query shape and overall,
the CSV export time, and the cost of lazily rebuilding missing summary rows.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from simulator.store.db import db  # noqa: E402
from simulator.store.models import Assessment, User  # noqa: E402
from simulator.store.review_models import InvitationSummary  # noqa: E402
from simulator.web import create_app  # noqa: E402

SHAPES: dict[str, str] = {
    "default (overall desc, page 1)": "",
    "name asc, page 2000": "sort=name&order=asc&page=2000",
    "overall asc, deep page 3000": "sort=overall&order=asc&page=3000",
    "verdict=below, by overall": "verdict=below",
    "flagged only": "flagged=y",
    "search 'okafor'": "q=okafor",
    "status=finished, by flags": "status=finished&sort=flags",
    "signals desc": "sort=signals",
}


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def signed_in_client(app: Any) -> tuple[Any, int]:
    """Return a test client signed in as the benchmark interviewer and the assessment id."""
    from simulator.services import library

    with app.app_context():
        if library.load_error():
            from tests.web.review_factories import ensure_library

            ensure_library()
        user_id = db.session.scalar(sa.select(User.id).where(
            User.email == "bench.interviewer@example.test"))
        assessment_id = db.session.scalar(sa.select(sa.func.min(Assessment.id)))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    return client, int(assessment_id)


def timed_get(client: Any, url: str) -> tuple[float, int, int]:
    """Return (milliseconds, status, body bytes) of one GET."""
    started = time.perf_counter()
    response = client.get(url)
    body = response.get_data()
    return (time.perf_counter() - started) * 1000, response.status_code, len(body)


def bench_pages(client: Any, assessment_id: int, rounds: int) -> list[float]:
    """Time every query shape ``rounds`` times; print per-shape p50/p95; return all times."""
    base = f"/review/assessments/{assessment_id}/results"
    timed_get(client, base)  # warm caches and the lazy summary check
    everything: list[float] = []
    for label, query in SHAPES.items():
        times = []
        for _ in range(rounds):
            ms, status, _size = timed_get(client, f"{base}?{query}")
            if status != 200:
                raise SystemExit(f"{label}: HTTP {status}")
            times.append(ms)
        everything.extend(times)
        print(f"  {label:<34} p50 {statistics.median(times):6.1f} ms   "
              f"p95 {percentile(times, 0.95):6.1f} ms")
    return everything


def bench_csv(client: Any, assessment_id: int, runs: int = 3) -> None:
    """Time the full CSV export."""
    times, size = [], 0
    for _ in range(runs):
        ms, status, size = timed_get(client, f"/review/assessments/{assessment_id}/export.csv")
        if status != 200:
            raise SystemExit(f"CSV: HTTP {status}")
        times.append(ms)
    print(f"CSV export: median {statistics.median(times) / 1000:.2f} s over {runs} runs "
          f"({size / 1_000_000:.1f} MB)")


def _summary_count(app: Any) -> int:
    """Return the number of summary rows."""
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count(InvitationSummary.id))) or 0)


def bench_lazy_refresh(db_path: Path, assessment_id: int, missing: int = 200) -> None:
    """Delete some summary rows and time the first page view (a new process) rebuilding them."""
    app = make_app(db_path)
    before = _summary_count(app)
    with app.app_context():
        ids = db.session.scalars(sa.select(InvitationSummary.id).order_by(
            InvitationSummary.id.desc()).limit(missing)).all()
        db.session.execute(sa.delete(InvitationSummary).where(InvitationSummary.id.in_(ids)))
        db.session.commit()
    client, _ = signed_in_client(app)
    ms, status, _ = timed_get(client, f"/review/assessments/{assessment_id}/results")
    after = _summary_count(app)
    print(f"Lazy rebuild of {missing} missing summaries on one page view: {ms:.0f} ms "
          f"({ms / missing:.1f} ms per invitation; HTTP {status}; rows {before} -> {after})")


def make_app(path: Path) -> Any:
    """Return an app on the benchmark database."""
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                       "RATELIMIT_ENABLED": False, "TESTING": True})


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run every benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=REPO / "instance" / "bench.sqlite3")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    if not args.db.exists():
        raise SystemExit(f"{args.db} does not exist: run bench/seed_attempts.py first")
    app = make_app(args.db)
    client, assessment_id = signed_in_client(app)
    with app.app_context():
        rows = db.session.scalar(sa.select(sa.func.count(InvitationSummary.id)))
    print(f"Results page over {rows} candidates ({args.rounds} requests per shape):")
    everything = bench_pages(client, assessment_id, args.rounds)
    print(f"  {'ALL':<34} p50 {statistics.median(everything):6.1f} ms   "
          f"p95 {percentile(everything, 0.95):6.1f} ms")
    bench_csv(client, assessment_id)
    bench_lazy_refresh(args.db, assessment_id)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
