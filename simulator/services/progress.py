"""A trainee's progress: per-competency practice scores over time, and sparkline geometry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from simulator.services import library
from simulator.store.db import db
from simulator.store.models import Attempt, AutoScore, User


@dataclass(frozen=True)
class Point:
    """One scored practice attempt on a competency."""

    when: datetime
    score: float
    attempt_id: int
    scenario_id: str


@dataclass(frozen=True)
class CompetencyProgress:
    id: str
    name: str
    points: tuple[Point, ...]

    @property
    def latest(self) -> float | None:
        """Return the most recent score, if any."""
        return self.points[-1].score if self.points else None

    @property
    def best(self) -> float | None:
        """Return the best score, if any."""
        return max((p.score for p in self.points), default=None)

    @property
    def first(self) -> float | None:
        """Return the first score, if any."""
        return self.points[0].score if self.points else None

    def spark(self, width: int = 160, height: int = 36) -> str:
        """Return SVG polyline points for the scores (0-100) over the attempts."""
        return spark_points([p.score for p in self.points], width, height)


def scored_practice(user: User) -> list[tuple[Attempt, AutoScore]]:
    """Return the user's scored practice attempts, oldest first."""
    rows = db.session.execute(
        select(Attempt, AutoScore)
        .join(AutoScore, AutoScore.attempt_id == Attempt.id)
        .where(Attempt.user_id == user.id, Attempt.mode == "practice")
        .order_by(Attempt.finished_at, Attempt.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def progress(user: User) -> list[CompetencyProgress]:
    """Return per-competency score series, in framework order, then any others."""
    series: dict[str, list[Point]] = {}
    for attempt, score in scored_practice(user):
        when = attempt.finished_at or attempt.started_at
        for competency, value in (score.competencies or {}).items():
            series.setdefault(str(competency), []).append(
                Point(when, float(value), attempt.id, attempt.scenario_id)
            )
    names = _competency_names()
    order = [cid for cid in names if cid in series] + sorted(set(series) - set(names))
    return [CompetencyProgress(cid, names.get(cid, cid), tuple(series[cid])) for cid in order]


def _competency_names() -> dict[str, str]:
    """Return competency id -> name from the library's framework."""
    framework = library.catalog().framework
    if framework is None:
        return {}
    return {c.id: c.name for c in framework.competencies}


def spark_points(values: Sequence[float], width: int, height: int, pad: int = 3) -> str:
    """Return "x,y x,y ..." for an SVG polyline of 0-100 values (higher = better = up)."""
    if not values:
        return ""
    inner_w = max(1, width - 2 * pad)
    inner_h = max(1, height - 2 * pad)
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0.0
    coords = []
    for i, value in enumerate(values):
        clamped = min(100.0, max(0.0, float(value)))
        x = pad + (i * step if len(values) > 1 else inner_w / 2)
        y = pad + inner_h * (1 - clamped / 100.0)
        coords.append(f"{x:.1f},{y:.1f}")
    return " ".join(coords)
