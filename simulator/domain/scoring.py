"""Score a transcript against a rubric (pure and deterministic).

Every criterion gets the highest level whose ``when`` holds over the evidence tags
of the transcript's events; the evidence is the indices of the events that carry
the tags the level names. Competency and overall scores are weighted percentages;
hint costs are subtracted, then critical flags cap the total or fail the attempt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from simulator.domain.model import Condition, Criterion, Rubric, RubricLevel, Scenario
from simulator.domain.session import CriterionScore, Event, FlagHit, ScoreReport

TagIndex = Mapping[str, Sequence[int]]


def index_tags(events: Iterable[Event]) -> dict[str, list[int]]:
    """Map every evidence tag to the indices of the events carrying it, in order."""
    found: dict[str, list[int]] = {}
    for event in events:
        tags = event.data.get("tags")
        if not tags:
            continue
        index = event.index
        for tag in tags:
            indices = found.get(tag)
            if indices is None:
                found[tag] = [index]
            else:
                indices.append(index)
    return found


def holds(cond: Condition, tags: TagIndex) -> bool:
    """Return True when a rubric condition holds over the tag index."""
    for tag in cond.all:
        if tag not in tags:
            return False
    for tag in cond.none:
        if tag in tags:
            return False
    if cond.any and tags.keys().isdisjoint(cond.any):
        return False
    if cond.count or cond.before or cond.visits:
        return _holds_rest(cond, tags)
    return True


def _holds_rest(cond: Condition, tags: TagIndex) -> bool:
    """Check a condition's counts, order pairs and step visits."""
    if any(len(tags.get(t, ())) < n for t, n in cond.count.items()):
        return False
    for first, second in cond.before:
        if second in tags and (first not in tags or tags[first][0] > tags[second][0]):
            return False
    for step_id, (low, high) in cond.visits.items():
        seen = len(tags.get(f"step:{step_id}", ()))
        if seen < low or (high is not None and seen > high):
            return False
    return True


_NAMED: dict[int, tuple[Condition, tuple[str, ...]]] = {}


def _named(cond: Condition) -> tuple[str, ...]:
    """Return the tags whose first event is evidence for a condition (cached)."""
    cached = _NAMED.get(id(cond))
    if cached is not None and cached[0] is cond:
        return cached[1]
    named = (*cond.all, *cond.any, *(t for pair in cond.before for t in pair),
             *(f"step:{s}" for s in cond.visits))
    if len(_NAMED) > 65536:
        _NAMED.clear()
    _NAMED[id(cond)] = (cond, named)
    return named


def evidence(cond: Condition, tags: TagIndex) -> tuple[int, ...]:
    """Return the event indices that satisfy a condition's named tags."""
    out: set[int] = set()
    for tag in _named(cond):
        indices = tags.get(tag)
        if indices:
            out.add(indices[0])
    for tag in cond.count:
        out.update(tags.get(tag, ()))
    return tuple(sorted(out))


def _award(criterion: Criterion, tags: TagIndex) -> RubricLevel | None:
    """Return the highest level whose condition holds."""
    for level in reversed(criterion.levels):
        if holds(level.when, tags):
            return level
    return None


_SCORES: dict[tuple[int, str, tuple[int, ...]], tuple[Criterion, CriterionScore]] = {}


def score_criterion(criterion: Criterion, tags: TagIndex) -> CriterionScore:
    """Score one criterion (equal results are shared: scores are immutable)."""
    level = _award(criterion, tags)
    proof = evidence(level.when, tags) if level else ()
    key = (id(criterion), level.id if level else "", proof)
    cached = _SCORES.get(key)
    if cached is not None and cached[0] is criterion:
        return cached[1]
    result = CriterionScore(
        id=criterion.id,
        label=criterion.label,
        competency=criterion.competency,
        level=level.id if level else "",
        level_label=level.label if level else "",
        points=level.points if level else 0,
        max=criterion.max_points,
        weight=criterion.weight,
        evidence=proof,
        needs_review=criterion.needs_review or not criterion.levels,
    )
    if len(_SCORES) > 65536:
        _SCORES.clear()
    _SCORES[key] = (criterion, result)
    return result


def percent(scores: Sequence[CriterionScore]) -> float | None:
    """Return sum(points*weight)/sum(max*weight) as 0-100, or None when nothing counts."""
    possible = sum(s.max * s.weight for s in scores)
    if possible <= 0:
        return None
    return 100.0 * sum(s.points * s.weight for s in scores) / possible


def _competencies(scores: Sequence[CriterionScore]) -> dict[str, float]:
    """Return the 0-100 score of every competency that has scoreable criteria
    (one pass; sums in criterion order, exactly as ``percent`` adds them)."""
    sums: dict[str, list[float]] = {}
    for s in scores:
        pair = sums.get(s.competency)
        if pair is None:
            pair = sums[s.competency] = [0, 0]
        pair[0] += s.points * s.weight
        pair[1] += s.max * s.weight
    return {comp: round(100.0 * got / possible, 1)
            for comp, (got, possible) in sums.items() if possible > 0}


def _result(events: Sequence[Event]) -> str:
    """Return how the session ended ("" while it is still running)."""
    for event in reversed(events):
        for tag in event.data.get("tags", ()):
            if tag.startswith("end:"):
                return tag[4:]
    return ""


def score(events: Sequence[Event], scenario: Scenario, rubric: Rubric) -> ScoreReport:
    """Score a transcript against a rubric."""
    tags = index_tags(events)
    criteria = tuple(score_criterion(c, tags) for c in rubric.criteria)
    raw = percent(criteria) or 0.0
    hints = [e for e in events if e.type == "hint"]
    penalty = sum(int(e.data.get("cost", 0)) for e in hints)
    total = max(0.0, raw - penalty)
    hits = tuple(
        FlagHit(f.id, f.label, f.effect, f.cap, evidence(f.when, tags))
        for f in rubric.flags
        if not f.when.is_empty() and holds(f.when, tags)
    )
    for hit in hits:
        total = min(total, float(hit.cap))
    total = round(total, 1)
    failed = any(h.effect == "fail" for h in hits)
    return ScoreReport(
        scenario_id=scenario.id,
        rubric_id=rubric.id,
        scenario_hash=scenario.content_hash,
        rubric_hash=rubric.content_hash,
        total=total,
        raw_total=round(raw, 1),
        passed=total >= rubric.pass_mark and not failed,
        pass_mark=rubric.pass_mark,
        competencies=_competencies(criteria),
        criteria=criteria,
        flags=hits,
        hint_penalty=penalty,
        hints_used=tuple(str(e.data.get("hint", "")) for e in hints),
        time_used=round(events[-1].at, 3) if events else 0.0,
        result=_result(events),
        needs_review=tuple(c.id for c in criteria if c.needs_review),
    )
