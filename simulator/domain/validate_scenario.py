"""Checks of one scenario on its own: ids, step graph, matchers, options, playthroughs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from simulator.domain.loader_base import child_path
from simulator.domain.loader_fields import Reader
from simulator.domain.matching import CUE_NAMES, KEYS_FOR_KIND, MATCHER_KEYS
from simulator.domain.model import Outcome, Scenario, Step
from simulator.domain.validate_match import arg_problem

RECOMMENDED_PLAYTHROUGHS = 5


def matcher_tables() -> tuple[frozenset[str], Mapping[str, frozenset[str]]]:
    """Return (all matcher keys, keys per step kind) from the matcher registry."""
    return MATCHER_KEYS, KEYS_FOR_KIND


def step_path(index: int) -> str:
    """Return the YAML path of step ``index``."""
    return f"steps[{index}]"


def check_scenario(reader: Reader, scenario: Scenario, stem: str) -> None:
    """Record every problem of ``scenario`` found without looking at other files."""
    if scenario.id and stem and scenario.id != stem:
        reader.problem("id", f"id '{scenario.id}' differs from the file name '{stem}'",
                       f"rename the file to {scenario.id}.yaml or set `id: {stem}`")
    _check_ids(reader, scenario)
    _check_targets(reader, scenario)
    _check_graph(reader, scenario)
    for i, step in enumerate(scenario.steps):
        _check_step(reader, scenario, step, step_path(i))
    _check_flags(reader, scenario)
    _check_playthroughs(reader, scenario)


def _dupes(reader: Reader, pairs: list[tuple[str, str]], what: str) -> None:
    reader.unique([(child_path(path, "id"), ident) for path, ident in pairs], what)


def _check_ids(reader: Reader, scenario: Scenario) -> None:
    _dupes(reader, [(step_path(i), s.id) for i, s in enumerate(scenario.steps)], "step")
    _dupes(reader, [(f"mood_exits[{i}]", m.id) for i, m in enumerate(scenario.mood_exits)],
           "mood exit")
    _dupes(reader, [(f"playthroughs[{i}]", p.id) for i, p in enumerate(scenario.playthroughs)],
           "playthrough")
    hints = [(child_path(step_path(i), f"hints[{j}]"), h.id)
             for i, s in enumerate(scenario.steps) for j, h in enumerate(s.hints)]
    _dupes(reader, hints, "hint")
    for i, step in enumerate(scenario.steps):
        path = step_path(i)
        for key, items in (("rules", step.rules), ("options", step.options),
                           ("elements", step.elements), ("claims", step.claims),
                           ("fields", step.fields)):
            what = key[:-1] if key != "options" else "option"
            _dupes(reader, [(f"{path}.{key}[{j}]", x.id) for j, x in enumerate(items)], what)
        for j, fld in enumerate(step.fields):
            fpath = f"{path}.fields[{j}]"
            _dupes(reader, [(f"{fpath}.options[{k}]", o.id) for k, o in enumerate(fld.options)],
                   "option")


def outcomes(step: Step, index: int) -> Iterator[tuple[str, Outcome]]:
    """Yield (path, outcome) for every rule outcome and the default of a step."""
    path = step_path(index)
    for j, rule in enumerate(step.rules):
        yield f"{path}.rules[{j}]", rule.outcome
    if step.default is not None:
        yield f"{path}.default", step.default


def _check_targets(reader: Reader, scenario: Scenario) -> None:
    ids = {s.id for s in scenario.steps}
    fix = "use one of: " + ", ".join(sorted(ids)) if ids else "add the step"
    if scenario.start and scenario.start not in ids:
        reader.problem("start", f"start step '{scenario.start}' does not exist", fix)
    for i, step in enumerate(scenario.steps):
        for path, outcome in outcomes(step, i):
            if outcome.next is not None and outcome.next not in ids:
                reader.problem(child_path(path, "next"),
                               f"next step '{outcome.next}' does not exist", fix)
        for j, rule in enumerate(step.rules):
            for target in rule.when.visits:
                if target not in ids:
                    reader.problem(f"{step_path(i)}.rules[{j}].if.visits.{target}",
                                   f"visits names unknown step '{target}'", fix)
    for i, mood_exit in enumerate(scenario.mood_exits):
        if mood_exit.next not in ids:
            reader.problem(f"mood_exits[{i}].next",
                           f"next step '{mood_exit.next}' does not exist", fix)


def successors(scenario: Scenario) -> dict[str, set[str]]:
    """Return step id -> ids of the steps it can lead to (mood exits included)."""
    ids = {s.id for s in scenario.steps}
    exits = {m.next for m in scenario.mood_exits if m.next in ids}
    graph: dict[str, set[str]] = {}
    for i, step in enumerate(scenario.steps):
        targets = {o.next for _, o in outcomes(step, i) if o.next in ids}
        if step.kind == "dialogue":
            targets |= exits
        graph.setdefault(step.id, set()).update(t for t in targets if t is not None)
    return graph


def _closure(graph: dict[str, set[str]], seeds: set[str]) -> set[str]:
    seen = set(seeds)
    todo = list(seeds)
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _check_graph(reader: Reader, scenario: Scenario) -> None:
    graph = successors(scenario)
    ends = {s.id for s in scenario.steps if s.kind == "end"}
    if not ends and scenario.steps:
        reader.problem("steps", "the scenario has no end step",
                       "add a step with `kind: end` and lead to it")
    reachable = _closure(graph, {scenario.start}) if scenario.start in graph else set()
    reverse: dict[str, set[str]] = {}
    for source, targets in graph.items():
        for target in targets:
            reverse.setdefault(target, set()).add(source)
    finishing = _closure(reverse, ends)
    for i, step in enumerate(scenario.steps):
        path = step_path(i)
        if reachable and step.id not in reachable:
            reader.problem(child_path(path, "id"),
                           f"step '{step.id}' cannot be reached from start '{scenario.start}'",
                           "lead to it with a `next:` or remove the step")
        elif ends and step.kind != "end" and step.id not in finishing:
            reader.problem(child_path(path, "id"),
                           f"dead end: no end step can be reached from step '{step.id}'",
                           "add a rule or default with `next:` towards an end step")
        if step.kind != "end" and step.default is None:
            reader.problem(path, f"step '{step.id}' has no default",
                           "add `default:` (what happens when no rule matches)")


def _check_step(reader: Reader, scenario: Scenario, step: Step, path: str) -> None:
    all_keys, per_kind = matcher_tables()
    for j, rule in enumerate(step.rules):
        check_match(reader, step, rule.match, f"{path}.rules[{j}].match", all_keys, per_kind)
    for key, items in (("elements", step.elements), ("claims", step.claims)):
        for j, item in enumerate(items):
            check_match(reader, step, item.match, f"{path}.{key}[{j}].match", all_keys,
                        per_kind)
    if step.kind in ("choice", "triage") and not step.options:
        reader.problem(path, f"a {step.kind} step needs `options`", "add at least two options")
    if step.kind == "classify" and not step.fields:
        reader.problem(path, "a classify step needs `fields`", "add at least one field")
    if step.kind == "triage":
        _check_triage(reader, step, path)
    if step.kind == "classify":
        _check_classify(reader, step, path)


def check_match(
    reader: Reader, step: Step, spec: Mapping[str, Any], path: str,
    all_keys: frozenset[str], per_kind: Mapping[str, frozenset[str]],
) -> None:
    """Check a matcher mapping: known keys, keys fit the step kind, argument shapes."""
    allowed = per_kind.get(step.kind, all_keys)
    for key, arg in spec.items():
        kpath = child_path(path, key)
        if key not in all_keys:
            reader.problem(kpath, f"unknown matcher key '{key}'",
                           "use one of: " + ", ".join(sorted(all_keys)))
            continue
        if key not in allowed:
            fit = ", ".join(sorted(allowed)) or "none (end steps take no input)"
            reader.problem(kpath, f"matcher '{key}' does not apply to a {step.kind} step",
                           f"use one of: {fit}")
            continue
        message = _arg_problem(key, arg, step)
        if message:
            reader.problem(kpath, message, _ARG_FIX.get(key, "see docs/authoring.md#matchers"))


_ARG_FIX = {
    "any": 'write a list of phrases, e.g. ["what changed"]',
    "all": 'write a list of phrases, e.g. ["dns", "server"]',
    "none": "write a list of phrases",
    "negated": "write a list of phrases",
    "regex": "fix the regular expression",
    "cue": "use one of: " + ", ".join(CUE_NAMES),
    "cues": "list cue names from: " + ", ".join(CUE_NAMES),
}


def _phrases_problem(arg: Any) -> str:
    if not isinstance(arg, list) or not arg:
        return "expected a non-empty list of phrases"
    if not all(isinstance(a, str) and a.strip() for a in arg):
        return "every phrase must be non-empty text"
    return ""


def _arg_problem(key: str, arg: Any, step: Step) -> str:
    """Return why a matcher argument is wrong for this step, or ""."""
    if key in ("any", "all", "none", "negated"):
        return _phrases_problem(arg)
    return arg_problem(key, arg, step, CUE_NAMES)


def _check_triage(reader: Reader, step: Step, path: str) -> None:
    ids = [o.id for o in step.options]
    order = list(step.expected_order)
    if order and sorted(order) != sorted(ids):
        missing = sorted(set(ids) - set(order))
        extra = sorted(set(order) - set(ids))
        repeated = sorted({x for x in order if order.count(x) > 1})
        detail = "; ".join(part for part in (
            f"missing {missing}" if missing else "", f"unknown {extra}" if extra else "",
            f"repeated {repeated}" if repeated else "") if part)
        reader.problem(child_path(path, "expected_order"),
                       f"expected_order is not a permutation of the options ({detail})",
                       "list every option id exactly once")


def _check_classify(reader: Reader, step: Step, path: str) -> None:
    fields = {f.id: {o.id for o in f.options} for f in step.fields}
    epath = child_path(path, "expected_fields")
    for name, value in step.expected_fields.items():
        if name not in fields:
            reader.problem(child_path(epath, name), f"'{name}' is not a field of this step",
                           "use one of: " + ", ".join(sorted(fields)))
        elif value not in fields[name]:
            reader.problem(child_path(epath, name),
                           f"expected value '{value}' is not an option of field '{name}'",
                           "use one of: " + ", ".join(sorted(fields[name])))
    for name in fields:
        if name not in step.expected_fields:
            reader.problem(epath if step.expected_fields else path,
                           f"field '{name}' has no expected value",
                           f"add `{name}: <option id>` under expected_fields")


def _check_flags(reader: Reader, scenario: Scenario) -> None:
    """Flags named in `if:` conditions must be set by some outcome."""
    set_somewhere = {f for i, s in enumerate(scenario.steps)
                     for _, o in outcomes(s, i) for f in o.set_flags}
    for i, step in enumerate(scenario.steps):
        for j, rule in enumerate(step.rules):
            cond = rule.when
            for key, names in (("all", cond.all), ("any", cond.any), ("none", cond.none)):
                for k, name in enumerate(names):
                    if name not in set_somewhere:
                        reader.problem(f"{step_path(i)}.rules[{j}].if.{key}[{k}]",
                                       f"flag '{name}' is never set by any rule",
                                       "set it with `set: [...]` or fix the spelling")


def _check_playthroughs(reader: Reader, scenario: Scenario) -> None:
    count = len(scenario.playthroughs)
    if count < RECOMMENDED_PLAYTHROUGHS:
        reader.problem("playthroughs" if count else "",
                       f"{count} playthrough(s); at least {RECOMMENDED_PLAYTHROUGHS} recommended",
                       "add expert, competent, weak, unsafe and keyword-stuffer runs",
                       severity="warning")
    hints = {h.id for s in scenario.steps for h in s.hints}
    for i, play in enumerate(scenario.playthroughs):
        for j, item in enumerate(play.inputs):
            hint = item.get("hint") if isinstance(item, dict) else None
            if isinstance(hint, str) and hint and hint not in hints:
                reader.problem(f"playthroughs[{i}].inputs[{j}].hint",
                               f"hint '{hint}' does not exist",
                               "use a hint id from a step's `hints:`")
