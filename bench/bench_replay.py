"""Benchmark: replay + score one playthrough of each bundled scenario, N times, one core.

Usage: ``python bench/bench_replay.py [N] [--cold] [--repeats=R]``. Prints the median CPU
microseconds per replay+score for each scenario and the resulting rate per second.
``--cold`` clears the text caches (normalisation, cues, commands) before every run (the
worst case: every turn's text is new to the process); the default keeps them warm, as
a server replaying stored transcripts would. ``--repeats=R`` runs the whole table R
times and prints the best and the median overall rate (the machine may be shared).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.catalog import Catalog, default_content_dirs  # noqa: E402
from simulator.domain import matching_cues, matching_text, replay, scoring  # noqa: E402
from simulator.domain.model import Playthrough, Rubric, Scenario  # noqa: E402


def _clear_caches() -> None:
    matching_text.normalise.cache_clear()
    matching_text.normalise_command.cache_clear()
    matching_cues.detect_cues.cache_clear()


def bench_one(scenario: Scenario, rubric: Rubric, playthrough: Playthrough, runs: int,
              cold: bool) -> list[float]:
    """Return the seconds taken by each replay+score run."""
    times: list[float] = []
    for _ in range(runs):
        if cold:
            _clear_caches()
        began = time.process_time()
        events, _ = replay.replay(scenario, playthrough.inputs)
        scoring.score(events, scenario, rubric)
        times.append(time.process_time() - began)
    return times


def table(catalog: Catalog, runs: int, cold: bool) -> float:
    """Print one table; return the median seconds over scenarios (0 when none)."""
    print(f"replay+score, {runs} runs each, caches {'cold' if cold else 'warm'}")
    print(f"{'scenario':32} {'playthrough':16} {'turns':>5} {'median us':>10} {'per s':>9}")
    medians: list[float] = []
    for sid in catalog.playable():
        scenario, rubric = catalog.scenario(sid), catalog.rubric(sid)
        if not scenario.playthroughs:
            continue
        playthrough = scenario.playthroughs[0]
        times = bench_one(scenario, rubric, playthrough, runs, cold)
        median = statistics.median(times)
        medians.append(median)
        print(f"{sid:32} {playthrough.id:16} {len(playthrough.inputs):5d}"
              f" {median * 1e6:10.1f} {1 / median:9.0f}")
    if not medians:
        return 0.0
    overall = statistics.median(medians)
    print(f"median over scenarios: {overall * 1e6:.1f} us = {1 / overall:.0f} per second")
    return overall


def main(argv: list[str]) -> int:
    """Run the benchmark and print a table (or several and a summary)."""
    runs = int(next((a for a in argv if a.isdigit()), "2000"))
    repeats = int(next((a.split("=", 1)[1] for a in argv if a.startswith("--repeats=")), "1"))
    cold = "--cold" in argv
    catalog = Catalog.load(*default_content_dirs())
    overall = [table(catalog, runs, cold) for _ in range(max(1, repeats))]
    rates = sorted(1 / o for o in overall if o > 0)
    if len(rates) > 1:
        print(f"{len(rates)} repeats: best {rates[-1]:.0f} per second,"
              f" median {statistics.median(rates):.0f} per second")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
