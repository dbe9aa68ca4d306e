"""The ``simulator`` command: validate, play, test and graph scenarios.

SCENARIO arguments are a library id or a path to a scenario file. The library is
``$SIMULATOR_CONTENT_DIR`` (with ``scenarios/`` and ``rubrics/``), else the
checkout's or the wheel's bundled content. The web team's ``serve``/``users``
commands register themselves through ``simulator.web.cli_commands.register``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from simulator import cli_play
from simulator.catalog import Catalog, default_content_dirs
from simulator.domain import loader, replay
from simulator.domain.loader_base import ContentError
from simulator.domain.model import Rubric, Scenario
from simulator.domain.validate import errors_only, validate_paths


class CliError(Exception):
    """A user-facing error: printed to stderr, exit status 1."""


def load_catalog() -> Catalog:
    """Load the content library."""
    return Catalog.load(*default_content_dirs())


def _rubric_beside(path: Path) -> Rubric | None:
    """Return the rubric stored next to a scenario file, if there is one."""
    candidates = [path.resolve().parent.parent / "rubrics" / path.name,
                  path.with_name(f"{path.stem}.rubric.yaml")]
    for candidate in candidates:
        if candidate.is_file():
            return loader.parse_rubric(candidate.read_text(encoding="utf-8"), str(candidate))
    return None


def resolve(ref: str, catalog: Catalog | None = None) -> tuple[Scenario, Rubric | None]:
    """Return the scenario named by an id or file path, and its rubric (or None)."""
    path = Path(ref)
    try:
        if path.is_file():
            scenario = loader.parse_scenario(path.read_text(encoding="utf-8"), str(path))
            rubric = _rubric_beside(path)
            if rubric is None:
                rubric = (catalog or load_catalog()).rubrics.get(scenario.id)
            return scenario, rubric
    except ContentError as exc:
        raise CliError(str(exc)) from exc
    catalog = catalog or load_catalog()
    if ref not in catalog.scenarios:
        known = ", ".join(sorted(catalog.scenarios)) or "none"
        raise CliError(f"unknown scenario {ref!r} (not a file, and not a valid library id;"
                       f" library ids: {known}) — run `simulator validate` for problems")
    return catalog.scenarios[ref], catalog.rubrics.get(ref)


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate content files and print every problem."""
    paths = args.paths or [str(p) for p in default_content_dirs()]
    problems = validate_paths(paths)
    for problem in problems:
        print(problem)
    errors = len(errors_only(problems))
    warnings = len(problems) - errors
    print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def cmd_play(args: argparse.Namespace) -> int:
    """Play a scenario interactively or from an answers file."""
    scenario, rubric = resolve(args.scenario)
    if args.answers:
        try:
            answers = cli_play.read_answers(args.answers)
        except (OSError, ValueError) as exc:
            raise CliError(str(exc)) from exc
        return cli_play.run_answers(scenario, rubric, answers, args.json, sys.stdout)
    return cli_play.interactive(scenario, rubric, sys.stdin, sys.stdout)


def _test_targets(args: argparse.Namespace) -> tuple[list[tuple[Scenario, Rubric | None]],
                                                    list[str]]:
    """Return the scenarios to test and the names of library files that do not load."""
    catalog = load_catalog()
    if args.scenarios:
        return [resolve(ref, catalog) for ref in args.scenarios], []
    broken = [f.name for f in catalog.files
              if f.name.startswith("scenarios/") and not f.ok]
    ids = sorted(catalog.scenarios)
    return [(catalog.scenarios[i], catalog.rubrics.get(i)) for i in ids], broken


def cmd_test(args: argparse.Namespace) -> int:
    """Run every playthrough and print a table; exit 1 on any failure."""
    targets, broken = _test_targets(args)
    rows: list[tuple[str, ...]] = []
    details: list[str] = []
    failures = 0
    for name in broken:
        failures += 1
        rows.append((name, "-", "-", "-", "-", "-", "FAIL"))
        details.append(f"{name}: does not load — run `simulator validate {name}`")
    for scenario, rubric in targets:
        if rubric is None or not scenario.playthroughs:
            failures += 1
            why = "no rubric" if rubric is None else "no playthroughs"
            rows.append((scenario.id, "-", "-", "-", "-", "-", "FAIL"))
            details.append(f"{scenario.id}: {why}")
            continue
        for playthrough in scenario.playthroughs:
            res = replay.run_playthrough(scenario, rubric, playthrough)
            low, high = playthrough.band
            rows.append((scenario.id, playthrough.id, f"{res.total:g}", f"[{low}, {high}]",
                         ",".join(res.flags) or "-", res.result or "-",
                         "ok" if res.ok else "FAIL"))
            if not res.ok:
                failures += 1
                details += [f"{scenario.id}/{playthrough.id}: {p}" for p in res.problems]
    _print_table(("scenario", "playthrough", "total", "band", "flags", "result", "status"),
                 rows)
    for line in details:
        print(line)
    print(f"{len(rows)} checked, {failures} failed", file=sys.stderr)
    return 1 if failures or not rows else 0


def _print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def cmd_graph(args: argparse.Namespace) -> int:
    """Print the scenario's step graph as Mermaid or Graphviz dot."""
    scenario, _ = resolve(args.scenario)
    print(render_graph(scenario, args.format))
    return 0


def graph_edges(scenario: Scenario) -> list[tuple[str, str, str, bool]]:
    """Return (from, to, label, is_default_or_exit) for every transition."""
    edges: list[tuple[str, str, str, bool]] = []
    for step in scenario.steps:
        for rule in step.rules:
            if rule.outcome.next:
                edges.append((step.id, rule.outcome.next, rule.id, False))
        if step.default is not None and step.default.next:
            edges.append((step.id, step.default.next, "default", True))
        if step.kind == "dialogue":
            edges += [(step.id, m.next, f"mood <= {m.at_or_below}", True)
                      for m in scenario.mood_exits]
    return edges


def _node_id(step_id: str) -> str:
    return "s_" + "".join(ch if ch.isalnum() else "_" for ch in step_id)


def render_graph(scenario: Scenario, fmt: str = "mermaid") -> str:
    """Render the step graph as Mermaid (default) or Graphviz dot."""
    edges = graph_edges(scenario)
    if fmt == "dot":
        lines = [f'digraph "{scenario.id}" {{', "  rankdir=LR;"]
        for step in scenario.steps:
            shape = "doubleoctagon" if step.kind == "end" else "box"
            label = f"{step.title}\\n({step.kind})".replace('"', "'")
            lines.append(f'  "{step.id}" [label="{label}", shape={shape}];')
        for src, dst, label, dashed in edges:
            style = ", style=dashed" if dashed else ""
            lines.append(f'  "{src}" -> "{dst}" [label="{label}"{style}];')
        return "\n".join([*lines, "}"])
    lines = ["flowchart TD"]
    for step in scenario.steps:
        label = f"{step.title} ({step.kind})".replace('"', "#quot;")
        left, right = ("([", "])") if step.kind == "end" else ("[", "]")
        lines.append(f'  {_node_id(step.id)}{left}"{label}"{right}')
    for src, dst, label, dashed in edges:
        arrow = "-.->" if dashed else "-->"
        lines.append(f'  {_node_id(src)} {arrow}|"{label}"| {_node_id(dst)}')
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser (web commands add themselves when available)."""
    parser = argparse.ArgumentParser(prog="simulator", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    validate = sub.add_parser("validate", help="check scenario and rubric files")
    validate.add_argument("paths", nargs="*", metavar="PATH",
                          help="files or directories (default: the library)")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.set_defaults(func=cmd_validate)
    play = sub.add_parser("play", help="play a scenario in the terminal")
    play.add_argument("scenario", metavar="SCENARIO", help="library id or scenario file")
    play.add_argument("--answers", metavar="FILE", help="YAML/JSON list of inputs to replay")
    play.add_argument("--json", action="store_true", help="print transcript and score as JSON")
    play.set_defaults(func=cmd_play)
    test = sub.add_parser("test", help="run every scenario's example playthroughs")
    test.add_argument("scenarios", nargs="*", metavar="SCENARIO")
    test.set_defaults(func=cmd_test)
    graph = sub.add_parser("graph", help="print a scenario's step graph")
    graph.add_argument("scenario", metavar="SCENARIO")
    graph.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    graph.set_defaults(func=cmd_graph)
    _register_web(sub)
    return parser


def _register_web(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Let the web package add ``serve``/``users`` commands when it is installed."""
    try:
        cli_commands = importlib.import_module("simulator.web.cli_commands")
    except ImportError:
        return
    cli_commands.register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
