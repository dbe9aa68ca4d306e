"""Benchmark: validate the whole content library.

Run: .venv/bin/python bench/bench_validate.py [--runs 20] [PATH ...]

Reports the median wall time of (a) ``validate_paths`` as ``simulator validate`` runs it
(file reading, YAML, model building, every check, JSON Schema when jsonschema is present)
and (b) the pure in-memory ``check_texts`` without JSON Schema, with files per second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.domain.validate import (  # noqa: E402
    check_texts,
    collect_files,
    read_texts,
    validate_paths,
)


def measure(func: Callable[[], object], runs: int) -> list[float]:
    """Return the wall times of ``runs`` calls (after one warm-up)."""
    func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float], files: int, size: int) -> None:
    """Print median, spread and throughput."""
    median = statistics.median(times)
    print(f"{label:<34} median {median * 1000:8.1f} ms   min {min(times) * 1000:8.1f} ms"
          f"   max {max(times) * 1000:8.1f} ms   {files / median:7.1f} files/s"
          f"   {size / 1024 / median:8.0f} KiB/s")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "scenarios"),
                                                     str(ROOT / "rubrics")])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    files = collect_files(args.paths)
    texts, _ = read_texts(files)
    size = sum(len(t.encode()) for t in texts.values())
    problems = validate_paths(args.paths)
    print(f"library: {len(files)} files, {size / 1024:.0f} KiB, {len(problems)} problem(s); "
          f"{args.runs} runs each, Python {sys.version.split()[0]}")
    report("validate_paths (CLI, + schema)", measure(lambda: validate_paths(args.paths),
                                                    args.runs), len(files), size)
    report("check_texts (in memory)", measure(lambda: check_texts(texts), args.runs),
           len(files), size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
