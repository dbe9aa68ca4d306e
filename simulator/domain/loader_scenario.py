"""Build a ``Scenario`` from parsed YAML data, type-checking every field."""

from __future__ import annotations

from typing import Any

from simulator.domain.loader_base import child_path
from simulator.domain.loader_condition import read_condition
from simulator.domain.loader_fields import SLUG_RE, TAG_RE, Reader
from simulator.domain.model import (
    RESERVED_ANSWER_KEYS,
    STEP_KINDS,
    ClassifyField,
    Hint,
    Machine,
    MoodExit,
    Option,
    Outcome,
    Persona,
    Playthrough,
    Rule,
    Scenario,
    Step,
    Ticket,
    WriteupClaim,
    WriteupElement,
)

SCENARIO_KEYS = (
    "schema_version", "kind", "id", "title", "level", "competencies", "minutes", "summary",
    "tags", "persona", "mood_exits", "ticket", "machine", "synonyms", "start", "steps",
    "playthroughs",
)
SCENARIO_REQUIRED = (
    "schema_version", "kind", "id", "title", "level", "competencies", "minutes", "summary",
    "persona", "ticket", "machine", "start", "steps",
)
OUTCOME_KEYS = ("reply", "feedback", "next", "tags", "set", "clear", "mood")
RULE_KEYS = ("id", "match", "once", "if", *OUTCOME_KEYS)
_COMMON = ("id", "kind", "title", "prompt", "hints", "rules", "default")
STEP_KEYS: dict[str, tuple[str, ...]] = {
    "dialogue": _COMMON,
    "choice": (*_COMMON, "options", "multiple"),
    "terminal": (*_COMMON, "shell"),
    "writeup": (*_COMMON, "form", "min_words", "elements", "claims"),
    "triage": (*_COMMON, "options", "expected_order"),
    "classify": (*_COMMON, "fields", "expected_fields"),
    "end": ("id", "kind", "title", "prompt", "result"),
}
LEVELS = ("entry", "mid", "senior")
SHELLS = ("cmd", "powershell", "bash")
FORMS = ("ticket_note", "escalation", "email", "resolution")
CHANNELS = ("phone", "chat", "email", "walk-in", "queue")
TECH_LEVELS = ("low", "medium", "high")


def build_scenario(reader: Reader, data: dict[str, Any]) -> Scenario:
    """Return the Scenario described by ``data``; problems go to ``reader``."""
    reader.mapping(data, "", SCENARIO_KEYS, SCENARIO_REQUIRED)
    check_header(reader, data, "scenario")
    estimated, maximum = _minutes(reader, data.get("minutes"))
    return Scenario(
        id=reader.ident(data, "id", "", slug=True),
        title=reader.text(data, "title", "", allow_empty=False),
        level=reader.choice(data, "level", "", LEVELS),  # type: ignore[arg-type]
        competencies=reader.str_list(data, "competencies", "", True, pattern=SLUG_RE),
        estimated_minutes=estimated,
        maximum_minutes=maximum,
        summary=reader.text(data, "summary", ""),
        persona=_persona(reader, data.get("persona")),
        ticket=_ticket(reader, data.get("ticket")),
        machine=_machine(reader, data.get("machine")),
        start=reader.text(data, "start", ""),
        steps=tuple(_step(reader, p, v) for p, v in reader.items(data, "steps", "", True)),
        mood_exits=tuple(_mood_exit(reader, p, v) for p, v in reader.items(data, "mood_exits", "")),
        synonyms=_synonyms(reader, data),
        playthroughs=tuple(
            _playthrough(reader, p, v) for p, v in reader.items(data, "playthroughs", "")
        ),
        tags=reader.str_list(data, "tags", ""),
        schema_version=1,
    )


def check_header(reader: Reader, data: dict[str, Any], kind: str) -> None:
    """Check ``schema_version: 1`` and ``kind: <kind>``."""
    version = data.get("schema_version")
    if "schema_version" in data and (version != 1 or isinstance(version, bool)):
        reader.problem("schema_version", f"unsupported schema_version {version!r}",
                       "use `schema_version: 1`")
    if "kind" in data and data["kind"] != kind:
        reader.problem("kind", f"expected kind '{kind}', got {data['kind']!r}",
                       f"use `kind: {kind}` (or put the file in the right folder)")


def _minutes(reader: Reader, raw: Any) -> tuple[int, int]:
    data = reader.mapping(raw, "minutes", ("estimated", "maximum"), ("estimated", "maximum"))
    if data is None:
        return 0, 0
    estimated = reader.integer(data, "estimated", "minutes", 0, low=1, high=240)
    maximum = reader.integer(data, "maximum", "minutes", 0, low=1, high=240)
    if estimated and maximum and estimated > maximum:
        reader.problem("minutes.maximum", f"maximum {maximum} is below estimated {estimated}",
                       "make maximum >= estimated")
    return estimated, maximum


def _persona(reader: Reader, raw: Any) -> Persona:
    keys = ("name", "job", "technical_level", "mood", "reactions")
    data = reader.mapping(raw, "persona", keys, ("name", "job")) or {}
    return Persona(
        name=reader.text(data, "name", "persona"),
        job=reader.text(data, "job", "persona"),
        technical_level=reader.choice(  # type: ignore[arg-type]
            data, "technical_level", "persona", TECH_LEVELS, "low"),
        mood=reader.integer(data, "mood", "persona", 0, low=-5, high=5),
        reactions=reader.str_map(data, "reactions", "persona", "int"),
    )


def _ticket(reader: Reader, raw: Any) -> Ticket:
    data = reader.mapping(raw, "ticket", ("id", "channel", "subject", "text"),
                          ("id", "channel", "text")) or {}
    return Ticket(
        id=reader.text(data, "id", "ticket"),
        channel=reader.choice(data, "channel", "ticket", CHANNELS),  # type: ignore[arg-type]
        text=reader.text(data, "text", "ticket"),
        subject=reader.text(data, "subject", "ticket", ""),
    )


def _machine(reader: Reader, raw: Any) -> Machine:
    data = reader.mapping(raw, "machine", ("os", "hostname", "user", "facts"),
                          ("os", "hostname", "user")) or {}
    return Machine(
        os=reader.text(data, "os", "machine"),
        hostname=reader.text(data, "hostname", "machine"),
        user=reader.text(data, "user", "machine"),
        facts=reader.str_map(data, "facts", "machine", "scalar"),
    )


def _synonyms(reader: Reader, data: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    groups = []
    for path, group in reader.items(data, "synonyms", ""):
        items = reader.str_items(group, path)
        if isinstance(group, list) and len(group) < 2:
            reader.problem(path, "a synonym group needs at least two phrases",
                           "list two or more phrases that mean the same")
        groups.append(items)
    return tuple(groups)


def _mood_exit(reader: Reader, path: str, raw: Any) -> MoodExit:
    keys = ("id", "at_or_below", "next", "reply", "tags")
    data = reader.mapping(raw, path, keys, ("id", "at_or_below", "next")) or {}
    return MoodExit(
        id=reader.ident(data, "id", path),
        at_or_below=reader.integer(data, "at_or_below", path, 0, low=-5, high=5),
        next=reader.text(data, "next", path),
        reply=reader.text(data, "reply", path, ""),
        tags=reader.str_list(data, "tags", path, pattern=TAG_RE),
    )


def read_outcome(reader: Reader, data: dict[str, Any], path: str) -> Outcome:
    """Build an Outcome from the outcome keys of a rule or a step default."""
    nxt = data.get("next")
    if nxt is not None and not isinstance(nxt, str):
        reader.wrong_type(child_path(path, "next"), nxt, "a step id")
        nxt = None
    return Outcome(
        reply=reader.text(data, "reply", path, ""),
        feedback=reader.text(data, "feedback", path, ""),
        next=nxt,
        tags=reader.str_list(data, "tags", path, pattern=TAG_RE),
        set_flags=reader.str_list(data, "set", path, pattern=TAG_RE),
        clear_flags=reader.str_list(data, "clear", path, pattern=TAG_RE),
        mood=reader.integer(data, "mood", path, 0, low=-10, high=10),
    )


def _rule(reader: Reader, path: str, raw: Any) -> Rule:
    data = reader.mapping(raw, path, RULE_KEYS, ("id", "match")) or {}
    match = data.get("match", {})
    if match is None:
        match = {}
    if not isinstance(match, dict):
        reader.wrong_type(child_path(path, "match"), match, "a matcher mapping",
                          "write e.g. `match: {any: [\"what changed\"]}`")
        match = {}
    return Rule(
        id=reader.ident(data, "id", path),
        match=match,
        outcome=read_outcome(reader, data, path),
        when=read_condition(reader, data.get("if"), child_path(path, "if"), rubric=False),
        once=reader.boolean(data, "once", path, False),
        line=reader.lines.get(path)[0],
    )


def _step(reader: Reader, path: str, raw: Any) -> Step:
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if isinstance(raw, dict) and kind not in STEP_KINDS:
        if "kind" in raw:
            reader.problem(child_path(path, "kind"), f"unknown step kind {kind!r}",
                           "use one of: " + ", ".join(STEP_KINDS))
        kind = "dialogue"
    keys = STEP_KEYS.get(str(kind), _COMMON)
    data = reader.mapping(raw, path, keys, ("id", "kind", "title", "prompt")) or {}
    default = None
    if data.get("default") is not None:
        dpath = child_path(path, "default")
        ddata = reader.mapping(data["default"], dpath, OUTCOME_KEYS)
        default = read_outcome(reader, ddata or {}, dpath)
    return Step(
        id=reader.ident(data, "id", path),
        kind=str(kind),  # type: ignore[arg-type]
        title=reader.text(data, "title", path),
        prompt=reader.text(data, "prompt", path),
        rules=tuple(_rule(reader, p, v) for p, v in reader.items(data, "rules", path)),
        default=default,
        hints=tuple(_hint(reader, p, v) for p, v in reader.items(data, "hints", path)),
        options=_options(reader, data, "options", path),
        multiple=reader.boolean(data, "multiple", path, False),
        shell=reader.choice(data, "shell", path, SHELLS, "cmd"),
        form=reader.choice(data, "form", path, FORMS, "ticket_note"),
        min_words=reader.integer(data, "min_words", path, 0, low=0, high=2000),
        elements=tuple(_element(reader, p, v) for p, v in reader.items(data, "elements", path)),
        claims=tuple(_claim(reader, p, v) for p, v in reader.items(data, "claims", path)),
        fields=tuple(_field(reader, p, v) for p, v in reader.items(data, "fields", path)),
        expected_order=reader.str_list(data, "expected_order", path, kind == "triage"),
        expected_fields=reader.str_map(data, "expected_fields", path),
        result=reader.text(data, "result", path, ""),
        line=reader.lines.get(path)[0],
    )


def _hint(reader: Reader, path: str, raw: Any) -> Hint:
    data = reader.mapping(raw, path, ("id", "text", "cost"), ("id", "text")) or {}
    return Hint(
        id=reader.ident(data, "id", path),
        text=reader.text(data, "text", path),
        cost=reader.integer(data, "cost", path, 5, low=0, high=100),
    )


def _options(reader: Reader, data: dict[str, Any], key: str, path: str) -> tuple[Option, ...]:
    out = []
    for opath, raw in reader.items(data, key, path):
        odata = reader.mapping(raw, opath, ("id", "label", "detail"), ("id", "label")) or {}
        out.append(Option(
            id=reader.ident(odata, "id", opath),
            label=reader.text(odata, "label", opath),
            detail=reader.text(odata, "detail", opath, ""),
        ))
    return tuple(out)


def _element(reader: Reader, path: str, raw: Any) -> WriteupElement:
    data = reader.mapping(raw, path, ("id", "label", "match", "tag"),
                          ("id", "label", "match", "tag")) or {}
    return WriteupElement(
        id=reader.ident(data, "id", path),
        label=reader.text(data, "label", path),
        match=_match(reader, data, path),
        tag=reader.text(data, "tag", path, pattern=TAG_RE),
    )


def _claim(reader: Reader, path: str, raw: Any) -> WriteupClaim:
    data = reader.mapping(raw, path, ("id", "label", "match", "requires"),
                          ("id", "label", "match", "requires")) or {}
    return WriteupClaim(
        id=reader.ident(data, "id", path),
        label=reader.text(data, "label", path),
        match=_match(reader, data, path),
        requires=reader.text(data, "requires", path, pattern=TAG_RE),
    )


def _match(reader: Reader, data: dict[str, Any], path: str) -> dict[str, Any]:
    match = data.get("match")
    if match is None:
        return {}
    if not isinstance(match, dict):
        reader.wrong_type(child_path(path, "match"), match, "a matcher mapping")
        return {}
    return match


def _field(reader: Reader, path: str, raw: Any) -> ClassifyField:
    data = reader.mapping(raw, path, ("id", "label", "options"), ("id", "label", "options"))
    data = data or {}
    return ClassifyField(
        id=reader.ident(data, "id", path),
        label=reader.text(data, "label", path),
        options=_options(reader, data, "options", path),
    )


def _playthrough(reader: Reader, path: str, raw: Any) -> Playthrough:
    keys = ("id", "label", "band", "flags", "passed", "inputs")
    data = reader.mapping(raw, path, keys, ("id", "label", "band", "inputs")) or {}
    passed = data.get("passed")
    if passed is not None and not isinstance(passed, bool):
        reader.wrong_type(child_path(path, "passed"), passed, "true, false or null")
        passed = None
    return Playthrough(
        id=reader.ident(data, "id", path),
        label=reader.text(data, "label", path),
        inputs=tuple(_input(reader, p, v) for p, v in reader.items(data, "inputs", path)),
        band=_band(reader, data.get("band"), child_path(path, "band")),
        flags=reader.str_list(data, "flags", path, pattern=TAG_RE),
        passed=passed,
        line=reader.lines.get(path)[0],
    )


def _band(reader: Reader, raw: Any, path: str) -> tuple[int, int]:
    if raw is None:
        return (0, 100)
    if (not isinstance(raw, list) or len(raw) != 2
            or any(isinstance(v, bool) or not isinstance(v, int | float) for v in raw)):
        reader.problem(path, "band must be [min, max] numbers", "write e.g. `band: [85, 100]`")
        return (0, 100)
    low, high = raw
    if not (0 <= low <= high <= 100):
        reader.problem(path, f"band [{low}, {high}] is not within 0..100 with min <= max",
                       "use 0 <= min <= max <= 100")
    return (int(low), int(high))


def _input(reader: Reader, path: str, raw: Any) -> Any:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list):
        return list(reader.str_items(raw, path))
    if isinstance(raw, dict):
        return _input_mapping(reader, path, raw)
    reader.wrong_type(path, raw, "text, a list of ids or a mapping",
                      "quote the input if it is text")
    return ""


def _input_mapping(reader: Reader, path: str, raw: dict[str, Any]) -> dict[str, Any]:
    if "wait" in raw:
        reader.mapping(raw, path, ("wait",))
        wait = raw["wait"]
        if isinstance(wait, bool) or not isinstance(wait, int | float) or wait < 0:
            reader.wrong_type(child_path(path, "wait"), wait, "a number of seconds >= 0")
        return dict(raw)
    if "hint" in raw:
        reader.mapping(raw, path, ("hint",))
        if not isinstance(raw["hint"], str):
            reader.wrong_type(child_path(path, "hint"), raw["hint"], "a hint id")
        return dict(raw)
    for key, value in raw.items():
        if key in RESERVED_ANSWER_KEYS or not isinstance(value, str):
            reader.wrong_type(child_path(path, key), value, "an option id (text)")
    if not raw:
        reader.problem(path, "empty input mapping", "give classify fields, hint or wait")
    return dict(raw)

