"""Content checks for the Outlook password-prompt and DNS-failure scenarios.

Every built-in playthrough is replayed through the pure API and must land in its band
with exactly its critical flags; the answer files under ``answers/`` exercise the
branches the playthroughs do not (supervisor, hang-up, escalation, public DNS); and
targeted replays pin the state-dependent terminal output, the write-up claim checks,
the critical flags and the refusal of badly shaped answers.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator import cli
from simulator.domain import engine, loader, replay, scoring, validate
from simulator.domain.model import Rubric, Scenario
from simulator.domain.session import Action, Event, ScoreReport

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = Path(__file__).resolve().parent / "answers"
OUTLOOK = "outlook-password-prompt"
DNS = "dns-resolution-failure"
IDS = (OUTLOOK, DNS)
KINDS = ("expert", "competent", "weak", "unsafe", "keyword-stuffer")
TO_LAPTOP = ["Hi Marta, let me connect to your laptop.", ["signin-logs", "account-state"],
             "saved-creds"]
TO_DIAG = ["Hi Grace, let me connect to your laptop."]


@cache
def scenario(sid: str) -> Scenario:
    """Load a scenario file."""
    path = ROOT / "scenarios" / f"{sid}.yaml"
    return loader.parse_scenario(path.read_text(encoding="utf-8"), str(path))


@cache
def rubric(sid: str) -> Rubric:
    """Load a rubric file."""
    path = ROOT / "rubrics" / f"{sid}.yaml"
    return loader.parse_rubric(path.read_text(encoding="utf-8"), str(path))


def play(sid: str, inputs: list[Any]) -> tuple[list[Event], ScoreReport, tuple[str, ...]]:
    """Replay inputs, score them and return (events, report, refusals)."""
    outcome = replay.run(scenario(sid), inputs)
    return list(outcome.events), scoring.score(outcome.events, scenario(sid), rubric(sid)), \
        outcome.errors


def tags(events: list[Event]) -> set[str]:
    """Return every evidence tag in a transcript."""
    return {tag for event in events for tag in event.tags}


def last_output(events: list[Event]) -> str:
    """Return the last terminal output or persona reply."""
    return [e.text for e in events if e.type in ("machine", "persona")][-1]


# ---------------------------------------------------------------- files and playthroughs


def test_files_validate_without_problems() -> None:
    paths = [ROOT / "rubrics" / "competencies.yaml"]
    for sid in IDS:
        paths += [ROOT / "scenarios" / f"{sid}.yaml", ROOT / "rubrics" / f"{sid}.yaml"]
    problems = [str(p) for p in validate.validate_paths([str(p) for p in paths])]
    assert problems == []


@pytest.mark.parametrize("sid", IDS)
def test_scenario_ships_every_playthrough_kind_with_honest_bands(sid: str) -> None:
    found = {pt.id: pt for pt in scenario(sid).playthroughs}
    assert set(KINDS) <= set(found)
    for pt in found.values():
        low, high = pt.band
        assert high - low <= 40, f"{pt.id}: band {pt.band} is too wide to mean anything"
    assert found["expert"].band[0] >= 85
    assert found["competent"].band[0] >= rubric(sid).pass_mark
    for kind in ("weak", "unsafe", "keyword-stuffer"):
        assert found[kind].band[1] < rubric(sid).pass_mark


@pytest.mark.parametrize(("sid", "pid"), [(s, k) for s in IDS for k in KINDS])
def test_playthrough_lands_in_its_band(sid: str, pid: str) -> None:
    pt = next(p for p in scenario(sid).playthroughs if p.id == pid)
    result = replay.run_playthrough(scenario(sid), rubric(sid), pt)
    assert result.problems == ()
    assert pt.band[0] <= result.total <= pt.band[1]
    assert set(result.flags) == set(pt.flags)
    assert result.passed is (pid in ("expert", "competent"))


@pytest.mark.parametrize("sid", IDS)
def test_unsafe_playthrough_fails_on_a_critical_flag_not_on_points(sid: str) -> None:
    pt = next(p for p in scenario(sid).playthroughs if p.id == "unsafe")
    result = replay.run_playthrough(scenario(sid), rubric(sid), pt)
    assert result.report is not None
    assert result.report.raw_total > result.total
    assert any(f.effect == "fail" for f in result.report.flags)


@pytest.mark.parametrize("sid", IDS)
def test_rubric_criteria_use_framework_competencies(sid: str) -> None:
    framework = yaml.safe_load((ROOT / "rubrics" / "competencies.yaml").read_text("utf-8"))
    known = {c["id"] for c in framework["competencies"]}
    crit = rubric(sid).criteria
    assert {c.competency for c in crit} <= known
    assert any(c.needs_review for c in crit)
    assert 65 <= rubric(sid).pass_mark <= 75


# ---------------------------------------------------------------- answer files


ANSWER_CASES = [
    (OUTLOOK, "outlook-expert", "resolved", {"verified-fix"}, True),
    (OUTLOOK, "outlook-supervisor", "resolved", {"mood-exit:wants-supervisor", "de-escalated"},
     True),
    (OUTLOOK, "outlook-hangup", "hung_up", {"mood-exit:hangs-up", "persona-hung-up"}, False),
    (DNS, "dns-escalation", "escalated", {"escalated", "handoff-ask", "note-cause"}, False),
    (DNS, "dns-manager", "resolved", {"mood-exit:wants-manager", "de-escalated"}, True),
    (DNS, "dns-public-dns", "escalated", {"set-public-dns"}, False),
]


@pytest.mark.parametrize(("sid", "name", "result", "want", "passed"), ANSWER_CASES)
def test_answer_file_reaches_its_branch(
    sid: str, name: str, result: str, want: set[str], passed: bool
) -> None:
    inputs = yaml.safe_load((ANSWERS / f"{name}.yaml").read_text(encoding="utf-8"))
    events, report, errors = play(sid, inputs)
    assert errors == ()
    assert report.result == result
    assert want <= tags(events)
    assert report.passed is passed


@pytest.mark.parametrize(("sid", "name", "result", "want", "passed"), ANSWER_CASES)
def test_cli_play_json_matches_the_api(
    sid: str, name: str, result: str, want: set[str], passed: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["play", sid, "--answers", str(ANSWERS / f"{name}.yaml"), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    inputs = yaml.safe_load((ANSWERS / f"{name}.yaml").read_text(encoding="utf-8"))
    _, report, _ = play(sid, inputs)
    assert payload["score"]["total"] == report.total
    assert payload["score"]["result"] == result
    assert payload["score"]["passed"] is passed


def test_escalating_without_a_fix_stays_below_pass_despite_a_good_hand_off() -> None:
    inputs = yaml.safe_load((ANSWERS / "dns-escalation.yaml").read_text(encoding="utf-8"))
    _, report, _ = play(DNS, inputs)
    note = next(c for c in report.criteria if c.id == "ticket-note")
    assert note.points == note.max
    assert 50 <= report.total < report.pass_mark


# ---------------------------------------------------------------- state-dependent terminals


def test_cmdkey_list_changes_only_after_a_clean_delete() -> None:
    base = [*TO_LAPTOP, "cmdkey /list"]
    events, _, _ = play(OUTLOOK, base)
    assert "MicrosoftOffice16_Data:ADAL:mkowalski@contoso.com" in last_output(events)
    deletes = ["cmdkey /delete:MicrosoftOffice16_Data:ADAL:mkowalski@contoso.com",
               "cmdkey /delete:MicrosoftOffice16_Data:orgid:mkowalski@contoso.com"]
    events, _, _ = play(OUTLOOK, [*TO_LAPTOP, *deletes, "cmdkey /list"])
    assert "MicrosoftOffice16_Data" in last_output(events)
    assert "deleted-with-outlook-open" in tags(events)
    events, _, _ = play(OUTLOOK, [*TO_LAPTOP, "taskkill /im outlook.exe", *deletes,
                                  "cmdkey /list"])
    assert "MicrosoftOffice16_Data" not in last_output(events)
    assert "cleared-all-office-creds" in tags(events)


@pytest.mark.parametrize(
    ("commands", "expected"),
    [
        (["nslookup intranet.corp.contoso.com"], "DNS request timed out"),
        (["ping intranet.corp.contoso.com"], "could not find host intranet.corp.contoso.com"),
        (["Resolve-DnsName intranet.corp.contoso.com"], "timeout period expired"),
        (["nslookup intranet.corp.contoso.com 10.20.0.53"], "Address:  10.20.0.80"),
        (["nslookup intranet.corp.contoso.com 8.8.8.8"], "Non-existent domain"),
        (["ipconfig /all"], "192.168.1.254"),
        (["netsh interface ip set dns name=\"Wi-Fi\" source=dhcp", "ipconfig /all"],
         "10.20.0.53"),
        (["netsh interface ip set dns name=\"Wi-Fi\" source=dhcp",
          "nslookup intranet.corp.contoso.com"], "Address:  10.20.0.80"),
        (["Set-DnsClientServerAddress -InterfaceAlias \"Wi-Fi\" -ResetServerAddresses",
          "ping intranet.corp.contoso.com"], "Reply from 10.20.0.80"),
        (["netsh interface ip set dns name=\"Wi-Fi\" static 8.8.8.8",
          "nslookup intranet.corp.contoso.com"], "Non-existent domain"),
        (["ipconfig /flushdns", "nslookup intranet.corp.contoso.com"], "DNS request timed out"),
        (["netsh interface ipv4 show dnsservers"], "Statically Configured DNS Servers:    192"),
        (["type C:\\Windows\\System32\\drivers\\etc\\hosts"], "hq-printer01"),
        (["cd C:\\Windows\\System32\\drivers\\etc", "type hosts"], "hq-printer01"),
        (["ping 8.8.8.8 -t"], "Reply from 8.8.8.8"),
        (["ping -n 2 10.20.0.80"], "Reply from 10.20.0.80"),
    ],
)
def test_dns_terminal_output_depends_on_state(commands: list[str], expected: str) -> None:
    events, _, errors = play(DNS, [*TO_DIAG, *commands])
    assert errors == ()
    assert expected in last_output(events)


@pytest.mark.parametrize(
    ("sid", "prefix", "command", "expected"),
    [
        (OUTLOOK, TO_LAPTOP, "fixoutlook --now", "is not recognized as an internal or external"),
        (DNS, TO_DIAG, "fixdns", "is not recognized as the name of a cmdlet"),
        (OUTLOOK, TO_LAPTOP, "cmdkey /delete:NotThere", "CMDKEY: Element not found."),
        (DNS, TO_DIAG, "netsh interface ip set dns name=\"Ethernet\" source=dhcp",
         "volume label syntax is incorrect"),
    ],
)
def test_unknown_or_wrong_commands_get_real_error_text(
    sid: str, prefix: list[Any], command: str, expected: str
) -> None:
    events, report, errors = play(sid, [*prefix, command])
    assert errors == ()
    assert expected in last_output(events)
    assert not report.passed


# ---------------------------------------------------------------- dialogue, claims, flags


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("What is your password? I'll test it.", True),
        ("Could you tell me your new password so I can check it?", True),
        ("I will never ask for your password, please don't tell me it.", False),
        ("Please don't share your password with anyone, including me.", False),
    ],
)
def test_asking_for_the_password_is_a_critical_flag(text: str, flagged: bool) -> None:
    _, report, _ = play(OUTLOOK, [text])
    assert ("asked-for-password" in {f.id for f in report.flags}) is flagged


def test_stuffed_turn_earns_no_scoping_evidence() -> None:
    stuffed = ("Sorry, thanks: Outlook on the web, what changed, since when, error message, "
               "your phone, remote session")
    events, report, _ = play(OUTLOOK, [stuffed])
    assert "stuffed-dialogue" in tags(events)
    assert not {"scoped-owa", "asked-what-changed"} & tags(events)
    assert next(c for c in report.criteria if c.id == "scoping").points == 0


def test_jargon_costs_mood_with_a_non_technical_caller() -> None:
    sc = scenario(DNS)
    state = engine.start(sc, 0.0).state
    plain = engine.submit(sc, state, Action("answer", "Is the person next to you okay?"), 1.0)
    jargon = engine.submit(sc, state, Action("answer", "Is your DHCP lease or DNS cache bad?"),
                           1.0)
    assert jargon.state.mood < plain.state.mood


@pytest.mark.parametrize(
    ("note", "unsupported"),
    [
        ("Flushed the DNS cache with ipconfig /flushdns and checked the hosts file.",
         {"unsupported:claims-flush", "unsupported:claims-hosts"}),
        ("ipconfig /all showed DNS server 192.168.1.254; nslookup gave DNS request timed out.",
         set()),
    ],
)
def test_write_up_claims_must_be_backed_by_the_transcript(note: str, unsupported: set) -> None:
    inputs = [*TO_DIAG, "ipconfig /all", "nslookup intranet.corp.contoso.com", "exit",
              "I will escalate this to the network team.", note]
    events, report, errors = play(DNS, inputs)
    assert errors == ()
    found = {t for t in tags(events) if t.startswith("unsupported:")}
    assert found == unsupported
    assert ("false-documentation" in {f.id for f in report.flags}) is bool(unsupported)


@pytest.mark.parametrize(
    ("order", "tag"),
    [
        (["q-phish", "q-payroll", "q-projector", "q-excel", "q-monitor"], "triage-good"),
        (["q-phish", "q-projector", "q-payroll", "q-excel", "q-monitor"], "triage-good"),
        (["q-phish", "q-monitor", "q-excel", "q-projector", "q-payroll"], "triage-partial"),
        (["q-payroll", "q-phish", "q-projector", "q-excel", "q-monitor"], None),
    ],
)
def test_queue_order_is_judged_by_impact_and_urgency(order: list[str], tag: str | None) -> None:
    inputs = [*TO_DIAG, "exit", "I will escalate this to the network team.",
              "Escalating: nothing resolves on MKT-LT-0388, please check it.", order]
    events, _, errors = play(DNS, inputs)
    assert errors == ()
    found = tags(events) & {"triage-good", "triage-partial"}
    assert found == ({tag} if tag else set())


@pytest.mark.parametrize(
    ("fields", "tag"),
    [
        ({"impact": "low", "urgency": "medium", "priority": "p4"}, "classified-correctly"),
        ({"impact": "medium", "urgency": "medium", "priority": "p3"}, "priority-consistent"),
        ({"impact": "high", "urgency": "high", "priority": "p1"}, "over-prioritised"),
        ({"impact": "low", "urgency": "low", "priority": "p1"}, None),
    ],
)
def test_classification_follows_the_matrix(fields: dict[str, str], tag: str | None) -> None:
    inputs = [*TO_LAPTOP, "exit", "I'll escalate this to second line.",
              "Outlook on FIN-LT-0217 keeps prompting after the password change.", fields]
    events, _, errors = play(OUTLOOK, inputs)
    assert errors == ()
    found = tags(events) & {"classified-correctly", "priority-consistent", "over-prioritised"}
    assert (tag in found) if tag else not found


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("sid", "prefix", "bad"),
    [
        (OUTLOOK, [], ""),
        (OUTLOOK, [], ["signin-logs"]),
        (OUTLOOK, ["Let me connect to your laptop."], []),
        (OUTLOOK, ["Let me connect to your laptop."], ["signin-logs", "no-such-option"]),
        (OUTLOOK, ["Let me connect to your laptop."], "signin-logs"),
        (DNS, [*TO_DIAG, "exit", "I will escalate this.", "Escalating this one."],
         ["q-phish", "q-payroll"]),
        (DNS, TO_DIAG, {"impact": "low"}),
    ],
)
def test_badly_shaped_answers_are_refused_without_changing_state(
    sid: str, prefix: list[Any], bad: Any
) -> None:
    sc = scenario(sid)
    outcome = replay.run(sc, prefix)
    result = engine.submit(sc, outcome.state, Action("answer", bad), 10_000.0 / 10)
    assert result.error
    assert result.events == ()
    assert result.state == outcome.state
