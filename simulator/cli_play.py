"""``simulator play``: the interactive terminal player and scripted ``--answers`` runs."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

import yaml

from simulator.domain import engine, replay, scoring
from simulator.domain.model import Rubric, Scenario, Step
from simulator.domain.session import Action, Event, ScoreReport, SessionState

PREFIX = {"persona": "", "machine": "", "feedback": "  (feedback) ", "hint": "  (hint) ",
          "system": "  * ", "step": ""}


def read_answers(path: str) -> list[Any]:
    """Read a YAML/JSON answers file: a list of inputs or a mapping with ``inputs``."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict) and "inputs" in data:
        data = data["inputs"]
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of inputs (or a mapping with `inputs:`)")
    return data


def run_answers(scenario: Scenario, rubric: Rubric | None, answers: list[Any],
                as_json: bool, out: TextIO) -> int:
    """Replay an answers file and print the transcript and score."""
    outcome = replay.run(scenario, answers)
    report = scoring.score(outcome.events, scenario, rubric) if rubric else None
    for error in outcome.errors:
        print(f"warning: {error}", file=sys.stderr)
    if as_json:
        payload = {
            "transcript": [e.to_dict() for e in outcome.events],
            "score": report.to_dict() if report else None,
        }
        json.dump(payload, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        for event in outcome.events:
            print(format_event(event), file=out)
        print(format_report(report), file=out)
    return 0


def format_event(event: Event) -> str:
    """Return one transcript line for the terminal."""
    if event.type == "candidate":
        return f"> {event.text}"
    if event.type == "step":
        title = event.data.get("title", event.step)
        return f"\n== {title} ==\n{event.text}".rstrip()
    return PREFIX.get(event.type, "") + event.text


def format_report(report: ScoreReport | None) -> str:
    """Return a short human-readable score summary."""
    if report is None:
        return "\nNo rubric found for this scenario: not scored."
    lines = [
        "",
        f"Score: {report.total:g}/100 (pass mark {report.pass_mark}) — "
        + ("PASSED" if report.passed else "not passed"),
        f"Result: {report.result or 'in progress'}; time used {report.time_used:g} s;"
        f" hint penalty {report.hint_penalty}",
    ]
    for crit in report.criteria:
        review = " [needs review]" if crit.needs_review else ""
        lines.append(f"  {crit.id}: {crit.level or '-'} {crit.points}/{crit.max}"
                     f" evidence {list(crit.evidence)}{review}")
    for comp, value in report.competencies.items():
        lines.append(f"  competency {comp}: {value:g}")
    lines += [f"  FLAG {f.id} ({f.effect}): {f.label}" for f in report.flags]
    return "\n".join(lines)


def describe_step(step: Step) -> str:
    """Return what the player must type at this step."""
    if step.kind == "choice":
        opts = "\n".join(f"  [{o.id}] {o.label}" for o in step.options)
        how = "ids separated by commas" if step.multiple else "an option id"
        return f"{opts}\nType {how}."
    if step.kind == "triage":
        opts = "\n".join(f"  [{o.id}] {o.label} {o.detail}".rstrip() for o in step.options)
        return f"{opts}\nType every id in the order you would work them, separated by commas."
    if step.kind == "classify":
        lines = [f"  {f.id}: " + ", ".join(o.id for o in f.options) for f in step.fields]
        return "\n".join(lines) + "\nType field=value pairs separated by spaces."
    if step.kind == "writeup":
        return f"Write the {step.form.replace('_', ' ')} on one line" + (
            f" (at least {step.min_words} words)." if step.min_words else ".")
    return ""


def parse_line(step: Step, line: str) -> Any:
    """Turn a typed line into the answer value the step expects."""
    if (step.kind == "choice" and step.multiple) or step.kind == "triage":
        return [part.strip() for part in line.split(",") if part.strip()]
    if step.kind == "classify":
        pairs = [part.split("=", 1) for part in line.split() if "=" in part]
        return {key.strip(): value.strip() for key, value in pairs}
    return line.strip() if step.kind == "choice" else line


def _command(line: str) -> Action | None:
    """Return the action of a ``:hint``/``:quit`` line, if it is one."""
    words = line.strip().split()
    if words and words[0] == ":quit":
        return Action(type="leave")
    if words and words[0] == ":hint":
        return Action(type="hint", value=words[1] if len(words) > 1 else "")
    return None


def interactive(scenario: Scenario, rubric: Rubric | None, stdin: TextIO, out: TextIO,
                clock: Callable[[], float] = time.monotonic) -> int:
    """Play a scenario on the terminal; print the score at the end."""
    print(f"{scenario.title} — {scenario.ticket.id}: {scenario.ticket.subject}", file=out)
    print("Commands: :hint [id] takes a hint, :quit ends the session.", file=out)
    result = engine.start(scenario, clock())
    state, events = result.state, list(result.events)
    _show(result.events, scenario, state, out)
    for line in _lines(stdin, out):
        if state.ended:
            break
        action = _command(line) or Action(type="answer",
                                          value=parse_line(scenario.step(state.step), line))
        result = engine.submit(scenario, state, action, clock())
        if result.error:
            print(f"! {result.error}", file=out)
            continue
        state = result.state
        events.extend(result.events)
        _show(result.events, scenario, state, out)
        if state.ended:
            break
    if not state.ended:
        result = engine.submit(scenario, state, Action(type="leave"), clock())
        events.extend(result.events)
    report = scoring.score(events, scenario, rubric) if rubric else None
    print(format_report(report), file=out)
    return 0


def _lines(stdin: TextIO, out: TextIO) -> Iterable[str]:
    while True:
        out.write("> ")
        out.flush()
        line = stdin.readline()
        if not line:
            return
        if line.strip():
            yield line.rstrip("\n")


def _show(events: Iterable[Event], scenario: Scenario, state: SessionState, out: TextIO) -> None:
    for event in events:
        if event.type != "candidate":
            print(format_event(event), file=out)
    if not state.ended:
        hint = describe_step(scenario.step(state.step))
        if hint:
            print(hint, file=out)
