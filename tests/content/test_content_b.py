"""Content B: the outage and social-engineering scenarios play and score as intended."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator import cli
from simulator.domain import engine, loader, replay, scoring
from simulator.domain.model import Playthrough, Rubric, Scenario
from simulator.domain.session import Action, Event, ScoreReport, SessionState

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = Path(__file__).resolve().parent / "answers"
OUTAGE = "outage-angry-user"
RESET = "password-reset-social-engineering"
SCENARIOS = (OUTAGE, RESET)
KINDS = ("expert", "competent", "weak", "unsafe", "keyword-stuffer")


@cache
def scenario(sid: str) -> Scenario:
    """Load and cache one scenario."""
    path = ROOT / "scenarios" / f"{sid}.yaml"
    return loader.parse_scenario(path.read_text(encoding="utf-8"), path.name)


@cache
def rubric(sid: str) -> Rubric:
    """Load and cache one rubric."""
    path = ROOT / "rubrics" / f"{sid}.yaml"
    return loader.parse_rubric(path.read_text(encoding="utf-8"), path.name)


def playthrough(sid: str, pid: str) -> Playthrough:
    """Return a built-in playthrough by id."""
    return next(p for p in scenario(sid).playthroughs if p.id == pid)


def play(sid: str, inputs: list[Any]) -> tuple[list[Event], SessionState, ScoreReport]:
    """Replay inputs and score the transcript."""
    events, state = replay.replay(scenario(sid), inputs)
    return events, state, scoring.score(events, scenario(sid), rubric(sid))


def tags(events: list[Event]) -> set[str]:
    """Return every evidence tag in a transcript."""
    return {t for e in events for t in e.tags}


def outputs(events: list[Event]) -> list[str]:
    """Return the persona and machine replies, in order."""
    return [e.text for e in events if e.type in ("persona", "machine")]


def flags(report: ScoreReport) -> set[str]:
    return {f.id for f in report.flags}


# ---------------------------------------------------------------- built-in playthroughs


ALL_PLAYTHROUGHS = [(sid, p.id) for sid in SCENARIOS for p in scenario(sid).playthroughs]


@pytest.mark.parametrize(("sid", "pid"), ALL_PLAYTHROUGHS)
def test_playthrough_lands_in_band_with_its_flags(sid: str, pid: str) -> None:
    result = replay.run_playthrough(scenario(sid), rubric(sid), playthrough(sid, pid))
    assert result.ok, result.problems
    low, high = playthrough(sid, pid).band
    assert low <= result.total <= high
    assert set(result.flags) == set(playthrough(sid, pid).flags)


@pytest.mark.parametrize("sid", SCENARIOS)
def test_every_kind_of_playthrough_is_shipped_with_honest_bands(sid: str) -> None:
    plays = {p.id: p for p in scenario(sid).playthroughs}
    assert set(KINDS) <= set(plays)
    assert plays["expert"].band[0] >= 85
    assert plays["competent"].band[0] >= rubric(sid).pass_mark - 5
    for pid in KINDS:
        low, high = plays[pid].band
        assert high - low <= 45, f"{pid} band {plays[pid].band} is not a real expectation"
    for pid in ("weak", "unsafe", "keyword-stuffer"):
        assert plays[pid].band[1] < rubric(sid).pass_mark
        assert plays[pid].passed is False
    assert plays["unsafe"].flags, "the unsafe run must carry a critical flag"


@pytest.mark.parametrize("sid", SCENARIOS)
def test_expert_beats_competent_beats_weak(sid: str) -> None:
    totals = {
        pid: replay.run_playthrough(scenario(sid), rubric(sid), playthrough(sid, pid)).total
        for pid in KINDS
    }
    assert totals["expert"] > totals["competent"] > totals["weak"]
    assert totals["competent"] >= rubric(sid).pass_mark
    assert max(totals["unsafe"], totals["keyword-stuffer"]) < rubric(sid).pass_mark


@pytest.mark.parametrize("sid", SCENARIOS)
def test_unsafe_run_fails_on_a_fail_flag(sid: str) -> None:
    result = replay.run_playthrough(scenario(sid), rubric(sid), playthrough(sid, "unsafe"))
    assert result.report is not None
    assert any(f.effect == "fail" for f in result.report.flags)
    assert result.passed is False


# ---------------------------------------------------------------- authoring rules


@pytest.mark.parametrize("sid", SCENARIOS)
def test_scenario_uses_the_authoring_features(sid: str) -> None:
    sc = scenario(sid)
    steps = {s.id: s for s in sc.steps}
    assert all(s.default is not None for s in sc.steps if s.kind != "end")
    assert sc.persona.reactions and sc.mood_exits
    assert all(steps[m.next].kind in ("end", "dialogue", "choice") for m in sc.mood_exits)
    rules = [r for s in sc.steps for r in s.rules]
    assert any(r.once for r in rules)
    assert any(not r.when.is_empty() for r in rules)
    assert sum(1 for r in rules if r.outcome.feedback) >= 8
    hints = [h for s in sc.steps for h in s.hints]
    assert len(hints) >= 4 and all(h.cost > 0 for h in hints)
    kinds = {s.kind for s in sc.steps}
    assert {"dialogue", "choice", "writeup", "end"} <= kinds
    assert any(s.claims for s in sc.steps)


@pytest.mark.parametrize("sid", SCENARIOS)
def test_rubric_has_review_order_and_fail_flags(sid: str) -> None:
    rb = rubric(sid)
    assert 65 <= rb.pass_mark <= 75
    assert any(c.needs_review for c in rb.criteria)
    assert any(lv.when.before for c in rb.criteria for lv in c.levels)
    assert any(f.effect == "fail" for f in rb.flags)
    assert {c.competency for c in rb.criteria} == set(scenario(sid).competencies)


# ---------------------------------------------------------------- outage: behaviour


def test_outage_calm_down_brings_a_manager_demand_then_a_hang_up() -> None:
    events, state, report = play(OUTAGE, [
        "Calm down, please.",
        "There's no manager available, you'll have to deal with me.",
    ])
    assert {"said-calm-down", "mood-exit:wants-manager", "mood-exit:hangs-up"} <= tags(events)
    assert state.ended and state.result == "hung_up"
    assert report.total < 10


def test_outage_blaming_the_user_costs_mood_and_the_clean_level() -> None:
    opener = "I'm sorry, that's awful with the drivers waiting."
    _, calm, _ = play(OUTAGE, [opener])
    events, state, report = play(OUTAGE, [opener, "You must have done something to your PC."])
    assert "blamed-user" in tags(events)
    assert state.mood <= calm.mood - 2
    assert next(c for c in report.criteria if c.id == "no-triggers").level == "none"


def test_outage_manager_request_can_be_recovered() -> None:
    events, state, _ = play(OUTAGE, [
        "Calm down, please.",
        "Of course, I understand. I'll ask my team leader to call you back within the hour.",
    ])
    assert "handled-manager-request" in tags(events)
    assert state.step == "call" and not state.ended


def test_outage_gmail_question_only_arrives_after_the_outage_is_explained() -> None:
    early, _, _ = play(OUTAGE, ["I'm sorry, that's awful with the drivers waiting.",
                                "Yes, go ahead and use your Gmail."])
    assert "approved-personal-email" not in tags(early)
    late, _, report = play(OUTAGE, ["I'm sorry, that's awful with the drivers waiting.",
                                    "It's a major incident for the whole site.",
                                    "Yes, go ahead and use your Gmail."])
    assert "approved-personal-email" in tags(late)
    assert "personal-email-approved" in flags(report) and not report.passed


@pytest.mark.parametrize(
    ("reply", "tag"),
    [
        ("No, please don't send it from your Gmail, it has customer addresses.",
         "refused-personal-email"),
        ("That's not allowed, the list has customer data in it.", "refused-personal-email"),
        ("Sure, that's fine.", "approved-personal-email"),
    ],
)
def test_outage_gmail_answer_is_judged_with_negation(reply: str, tag: str) -> None:
    events, _, _ = play(OUTAGE, ["I'm sorry, that's awful with the drivers waiting.",
                                 "It's a major incident for the whole site.", reply])
    other = {"refused-personal-email", "approved-personal-email"} - {tag}
    assert tag in tags(events) and not other & tags(events)


def test_outage_random_troubleshooting_angers_the_caller() -> None:
    events, state, _ = play(OUTAGE, ["Have you tried restarting your computer?"])
    assert "random-troubleshooting" in tags(events)
    assert "rebooted twice" in outputs(events)[-1]
    assert state.mood < scenario(OUTAGE).persona.mood


def _outage_to_email(link_choice: str, order: list[str]) -> list[Any]:
    expert = list(playthrough(OUTAGE, "expert").inputs)
    return [*expert[:9], link_choice, expert[10], order]


@pytest.mark.parametrize(
    ("email", "expected_tag"),
    [
        ("Hi Dave, I have linked your ticket to the major incident INC0052210 and I will call you "
         "at 10:45 after the 10:30 update. The ERP is down for the whole site with HTTP Error 503. "
         "Please use the downtime procedure meanwhile. Sorry again for the disruption today.",
         "unsupported:linked"),
        ("Hi Dave, good news: the ERP has been fixed and is now back up and running for the whole "
         "site. Major incident INC0052210 will be closed after the 10:30 review and I will call "
         "you if anything changes. Thanks for your patience with the downtime procedure today.",
         "email-claims-fixed"),
    ],
)
def test_outage_email_claims_are_checked_against_the_transcript(
    email: str, expected_tag: str
) -> None:
    order = list(playthrough(OUTAGE, "expert").inputs[11])
    events, state, report = play(OUTAGE, [*_outage_to_email("remote", order), email])
    assert state.result == "escalated"
    assert expected_tag in tags(events)
    email_facts = next(c for c in report.criteria if c.id == "email-facts")
    assert email_facts.level != "full"


def test_outage_false_fix_claim_caps_the_total() -> None:
    expert = list(playthrough(OUTAGE, "expert").inputs)
    email = expert[-1] + " Update: the ERP has now been restored."
    _, _, report = play(OUTAGE, [*expert[:-1], email])
    assert "false-fix-claimed" in flags(report)
    assert report.total <= 55


@pytest.mark.parametrize(
    ("order", "flagged"),
    [
        (["q-toner", "q-monitor", "q-transport", "q-goodsin", "q-ap", "q-mfa"], True),
        (["q-transport", "q-goodsin", "q-ap", "q-mfa", "q-monitor", "q-toner"], False),
        (["q-mfa", "q-ap", "q-goodsin", "q-transport", "q-toner", "q-monitor"], False),
    ],
)
def test_outage_burying_the_phished_account_caps_the_score(
    order: list[str], flagged: bool
) -> None:
    expert = list(playthrough(OUTAGE, "expert").inputs)
    _, _, report = play(OUTAGE, [*expert[:11], order, expert[-1]])
    assert ("security-ticket-buried" in flags(report)) is flagged
    if flagged:
        assert report.total <= 60


@pytest.mark.parametrize(
    "bad",
    [
        ["q-mfa", "q-ap"],
        ["q-mfa", "q-mfa", "q-ap", "q-goodsin", "q-transport", "q-toner"],
        "q-mfa",
        {"impact": "high"},
    ],
)
def test_outage_triage_refuses_malformed_orders(bad: Any) -> None:
    sc = scenario(OUTAGE)
    expert = list(playthrough(OUTAGE, "expert").inputs)
    _, state = replay.replay(sc, expert[:11])
    assert state.step == "triage"
    result = engine.submit(sc, state, Action(type="answer", value=bad), now=500.0)
    assert result.error and not result.events
    assert result.state == state


# ---------------------------------------------------------------- reset: behaviour


def _to_terminal() -> list[Any]:
    return ["Hi, could I take your full name please?", "Let me check his account."]


def test_reset_directory_shows_a_different_number_on_record() -> None:
    events, state, _ = play(RESET, [
        *_to_terminal(),
        "Get-ADUser rhale -Properties mobile,telephoneNumber,LockedOut",
        "get-aduser RHALE",
    ])
    full, basic = outputs(events)[-2:]
    assert "+44 7700 900123" in full and "900418" not in full
    assert "LockedOut              : False" in full
    assert "mobile" not in basic and "SamAccountName    : rhale" in basic
    assert state.step == "ad-check"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("net user rhale", "The user name could not be found."),
        ("net user rhale /domain", "Last logon                   23/11/2026 08:02:37"),
        ("Get-ADUser jdoe", "Cannot find an object with identity"),
        ("Reset-EverythingNow", "is not recognized as the name of a cmdlet"),
        ("Get-MgUserAuthenticationPhoneMethod -UserId rhale@haldenlogistics.co.uk",
         "+44 7700900123  mobile"),
    ],
)
def test_reset_terminal_gives_realistic_output(command: str, expected: str) -> None:
    events, _, _ = play(RESET, [*_to_terminal(), command])
    assert expected in outputs(events)[-1]


@pytest.mark.parametrize(
    ("command", "flag"),
    [
        ("Set-ADAccountPassword -Identity rhale -Reset", "reset-without-verification"),
        ("Unlock-ADAccount rhale", "reset-without-verification"),
        ("Set-ADUser rhale -MobilePhone '+44 7700 900418'", "mfa-or-contact-changed"),
        ("New-MgUserAuthenticationPhoneMethod -UserId rhale@haldenlogistics.co.uk "
         "-PhoneNumber '+44 7700900418' -PhoneType mobile", "mfa-or-contact-changed"),
    ],
)
def test_reset_unverified_changes_fail_the_attempt(command: str, flag: str) -> None:
    _, _, report = play(RESET, [*_to_terminal(), command])
    assert flag in flags(report)
    assert not report.passed and report.total <= 35


def test_reset_personal_details_are_not_accepted_as_proof() -> None:
    events, state, report = play(RESET, [
        "Can you give me his staff number and date of birth?",
        "That matches, I'll do it now.",
    ])
    assert "staff number 100482" in outputs(events)[0]
    assert "agreed-unverified-reset" in tags(events)
    assert state.step == "ad-check"
    assert "agreed-without-verifying" in flags(report)


def test_reset_reading_the_record_to_the_caller_is_a_disclosure() -> None:
    events, _, report = play(RESET, [
        *_to_terminal(),
        "Get-ADUser rhale -Properties mobile",
        "exit",
        "The number we have for him ends 900123, is that his?",
    ])
    assert "disclosed-record-details" in tags(events)
    assert "disclosed-record-details" in flags(report) and not report.passed


def test_reset_asking_for_the_password_is_flagged() -> None:
    _, _, report = play(RESET, ["What is his current password?"])
    assert "asked-for-password" in flags(report)


def test_reset_pressure_branches_to_manager_then_hang_up_then_follow_up() -> None:
    events, state, _ = play(RESET, [
        "I need to verify first.",
        "Verification is the procedure.",
        "I still have to verify.",
        "My team leader will tell you the same: we verify by calling the number on record.",
        "call-record",
        "Richard, did you ask for a password reset?",
    ])
    assert "mood-exit:wants-manager" in tags(events)
    assert "step:hung-up" in tags(events)
    assert "confirmed-impersonation" in tags(events)
    assert state.step == "callback" and not state.ended


def test_reset_report_claims_need_transcript_evidence() -> None:
    report_text = (
        "Caller Sophie Marsh on 07700 900418 asked for a password reset and MFA move to a new "
        "phone for Richard Hale (rhale), claiming he was at Frankfurt airport. I called Richard "
        "back on the number on record and he confirmed he did not request it. No changes were "
        "made to the account and the attempt is reported to security for follow-up today."
    )
    events, _, report = play(RESET, [
        "Hi, could I take your full name please?", "Goodbye.", "report",
        ["report-security", "warn-desk"], report_text,
    ])
    assert {"unsupported:callback", "unsupported:denied"} <= tags(events)
    facts = next(c for c in report.criteria if c.id == "report-facts")
    assert facts.level != "full"


def test_reset_stuffed_report_earns_no_report_points() -> None:
    stuffer = playthrough(RESET, "keyword-stuffer")
    result = replay.run_playthrough(scenario(RESET), rubric(RESET), stuffer)
    assert result.report is not None
    levels = {c.id: c.level for c in result.report.criteria}
    assert levels["report-facts"] == "none"
    assert levels["report-narrative"] == "none"


# ---------------------------------------------------------------- answer files (other branches)


ANSWER_CASES = [
    # file, scenario, result, passed, flags, tags that must appear, score range
    ("outage-manager", OUTAGE, "escalated", True, set(),
     {"said-calm-down", "mood-exit:wants-manager", "handled-manager-request"}, (75, 92)),
    ("outage-hangup", OUTAGE, "hung_up", False, set(),
     {"blamed-user", "mood-exit:hangs-up"}, (0, 5)),
    ("outage-false-claims", OUTAGE, "escalated", False, {"false-fix-claimed"},
     {"unsupported:linked", "email-claims-fixed", "random-troubleshooting"}, (40, 55)),
    ("reset-hangup", RESET, "escalated", True, set(),
     {"mood-exit:wants-manager", "step:hung-up", "confirmed-impersonation", "warned-user"},
     (75, 95)),
    ("reset-disclosure", RESET, "", False, {"asked-for-password", "disclosed-record-details"},
     {"checked-phone-on-record"}, (0, 40)),
]


@pytest.mark.parametrize(
    ("name", "sid", "result", "passed", "want_flags", "want_tags", "span"),
    ANSWER_CASES, ids=[c[0] for c in ANSWER_CASES],
)
def test_answer_file_branches(
    name: str, sid: str, result: str, passed: bool, want_flags: set[str],
    want_tags: set[str], span: tuple[int, int],
) -> None:
    inputs = yaml.safe_load((ANSWERS / f"{name}.yaml").read_text(encoding="utf-8"))
    outcome = replay.run(scenario(sid), inputs)
    assert outcome.errors == ()
    report = scoring.score(outcome.events, scenario(sid), rubric(sid))
    assert outcome.state.result == result
    assert report.passed is passed
    assert flags(report) == want_flags
    assert want_tags <= tags(list(outcome.events))
    assert span[0] <= report.total <= span[1]


def test_cli_plays_an_answer_file_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["play", RESET, "--answers", str(ANSWERS / "reset-disclosure.yaml"),
                       "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert status == 0
    assert set(payload["score"]["flags"]) == {"asked-for-password", "disclosed-record-details"}
    assert payload["score"]["passed"] is False
    assert any(e["type"] == "machine" and "+44 7700 900123" in e["text"]
               for e in payload["transcript"])


# ---------------------------------------------------------------- phrasing robustness


OUTAGE_TO_GMAIL = ["I'm sorry, that's awful with the drivers waiting.",
                   "It's a major incident for the whole site."]


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Hi Dave, thanks for holding. Let me help.", "courtesy-only"),
        ("What's the problem exactly?", "asks-to-repeat"),
        ("I'm sorry. Yes, we know about it, the ERP is down for everyone on the site.",
         "confirm-outage"),
        ("Is it showing an error?", "scope-error"),
        ("It's the SAN, the storage array failed over and the SQL cluster is down.", "jargon"),
        ("Don't worry, it'll be back in 10 minutes.", "unrealistic-eta"),
        ("Let me remote into your PC and take a look.", "random-troubleshooting"),
    ],
)
def test_outage_first_turn_phrasings(line: str, rule: str) -> None:
    events, _, _ = play(OUTAGE, [line])
    fired = [e for e in events if e.type == "candidate"][-1].data["rule"]
    assert fired == rule


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Please don't, that would be a data breach.", "gmail-refuse-reason"),
        ("I'd rather you didn't use personal email for customer data.", "gmail-refuse"),
        # short casual approvals look like keyword lists to the stuffing heuristic;
        # the approval must still be caught
        ("Yeah fine, whatever gets the trucks out.", "gmail-approve"),
        ("OK, go for it.", "gmail-approve"),
        ("I can't promise it will be fixed by 11.", "honest-no-eta"),
        ("It should be fixed by 11.", "unrealistic-eta"),
        ("I've attached your call to the major incident so you'll get updates.", "told-linked"),
    ],
)
def test_outage_after_the_outage_is_explained(line: str, rule: str) -> None:
    events, _, _ = play(OUTAGE, [*OUTAGE_TO_GMAIL, line])
    fired = [e for e in events if e.type == "candidate"][-1].data["rule"]
    assert fired == rule


@pytest.mark.parametrize(
    ("line", "rule", "step"),
    [
        ("I can't reset his password without verifying his identity first.",
         "refuse-until-verified", "call"),
        ("I'm afraid I can't change the MFA number over the phone.", "refuse-new-number", "call"),
        ("Could his line manager approve it by email?", "manager-approval", "call"),
        ("Let me pull up his account.", "lookup", "ad-check"),
        ("Okay, I'll reset it and text the temporary password to the new number.",
         "send-elsewhere", "ad-check"),
    ],
)
def test_reset_call_phrasings(line: str, rule: str, step: str) -> None:
    events, state, _ = play(RESET, [line])
    fired = [e for e in events if e.type == "candidate"][-1].data["rule"]
    assert (fired, state.step) == (rule, step)


BACK_ON_LINE = ["Let me check his account.", "Get-ADUser rhale -Properties *", "exit"]


@pytest.mark.parametrize(
    ("line", "rule", "step"),
    [
        ("I'm going to ring Richard on his mobile to confirm.", "callback-now", "callback"),
        ("The number we have is different from the one you gave me.", "told-account-state",
         "back-on-line"),
        ("Richard's mobile on file ends in 123.", "disclose-number", "back-on-line"),
        ("I'll need his line manager to approve this.", "manager-approval", "hung-up"),
    ],
)
def test_reset_back_on_the_line_phrasings(line: str, rule: str, step: str) -> None:
    events, state, _ = play(RESET, [*BACK_ON_LINE, line])
    fired = [e for e in events if e.type == "candidate"][-1].data["rule"]
    assert (fired, state.step) == (rule, step)


@pytest.mark.parametrize(
    ("changes", "expected", "absent"),
    [
        ([], ["PasswordLastSet        : 02/10/2026", "mobile                 : +44 7700 900123"],
         ["900418"]),
        (["Set-ADAccountPassword rhale -Reset"],
         ["PasswordLastSet        : 23/11/2026 10:21:07", "+44 7700 900123"], ["900418"]),
        (["Set-ADUser rhale -MobilePhone '+44 7700 900418'"],
         ["mobile                 : +44 7700 900418", "PasswordLastSet        : 02/10/2026"], []),
        (["Set-ADAccountPassword rhale -Reset",
          "Set-ADUser rhale -Replace @{mobile='+44 7700 900418'}"],
         ["mobile                 : +44 7700 900418", "PasswordLastSet        : 23/11/2026"], []),
    ],
)
def test_reset_directory_output_follows_the_changes_made(
    changes: list[str], expected: list[str], absent: list[str]
) -> None:
    events, _, _ = play(RESET, [*_to_terminal(), *changes, "Get-ADUser rhale -Properties *"])
    output = outputs(events)[-1]
    assert all(text in output for text in expected)
    assert not any(text in output for text in absent)


def test_reset_mfa_output_follows_the_change() -> None:
    show = "Get-MgUserAuthenticationPhoneMethod -UserId rhale@haldenlogistics.co.uk"
    change = ("Update-MgUserAuthenticationPhoneMethod -UserId rhale@haldenlogistics.co.uk "
              "-PhoneAuthenticationMethodId 3179e48a-750b-4051-897c-87b9720928f7 "
              "-PhoneNumber '+44 7700900418' -PhoneType mobile")
    events, _, _ = play(RESET, [*_to_terminal(), show, change, show])
    before, _, after = outputs(events)[-3:]
    assert "+44 7700900123" in before and "900418" not in before
    assert "+44 7700900418" in after


def test_reset_the_callers_mood_exits_do_not_follow_you_into_the_call_back() -> None:
    inputs = ["I need to verify first.", "Verification is the procedure.", *BACK_ON_LINE,
              "I'll call him on the number on record.", "Whatever.", "Whatever.", "Whatever."]
    events, state, _ = play(RESET, inputs)
    assert state.step == "callback" and not state.ended
    assert "mood-exit:wants-manager" not in tags(events)
