"""Every play form with empty, oversized and malicious input: answered, never crashed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from simulator.services import assessments
from simulator.services.clock import FixedClock
from simulator.services.errors import InvalidInput
from simulator.store.db import db
from simulator.store.models import User
from simulator.web.forms.play import (
    MAX_ITEMS,
    MAX_TEXT,
    parse_action,
    parse_expected_index,
    practice_filters,
    triage_order,
)

SCENARIO = "outlook-password-prompt"
MALICIOUS = [
    "<script>alert(1)</script>",
    "'; DROP TABLE attempt; --",
    "{{ 7*7 }}{% raw %}",
    "\u202eevil\u0000null",
    "../../etc/passwd",
]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("cheat", "x"),
        (None, "x"),
        ("answer", "x" * (MAX_TEXT + 1)),
        ("answer", ["a", 1]),
        ("answer", ["a"] * (MAX_ITEMS + 1)),
        ("answer", {"impact": 3}),
        ("answer", {"x" * 300: "y"}),
        ("answer", {"a": {"b": "c"}}),
        ("answer", 42),
        ("answer", 1.5),
        ("answer", True),
    ],
)
def test_parse_action_refuses_bad_shapes(kind: Any, value: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_action(kind, value)
    assert caught.value.message


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("answer", None, ""),
        ("answer", "ipconfig /all", "ipconfig /all"),
        ("answer", ["t2", "t1"], ["t2", "t1"]),
        ("answer", {"impact": "low"}, {"impact": "low"}),
        ("hint", "scope", "scope"),
        ("leave", "", ""),
        *[("answer", text, text) for text in MALICIOUS if "\x00" not in text],
        ("answer", "a\x00b\x07c\td\ne", "abc\td\ne"),
        ("answer", ["t\x001"], ["t1"]),
    ],
)
def test_parse_action_keeps_good_values(kind: str, value: Any, expected: Any) -> None:
    action = parse_action(kind, value)
    assert action.type == kind and action.value == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, None), ("", None), ("7", 7), (" 12 ", 12), (0, 0), (5, 5)],
)
def test_expected_index_accepts_whole_numbers(raw: Any, expected: int | None) -> None:
    assert parse_expected_index(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "-1", "1.5", True, 1.5, "9" * 12, [], {"n": 1}])
def test_expected_index_refuses_the_rest(raw: Any) -> None:
    with pytest.raises(InvalidInput):
        parse_expected_index(raw)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "position from 1 to 3"),
        ({"pos-a": "1", "pos-b": "1", "pos-c": "2"}, "only once"),
        ({"pos-a": "0", "pos-b": "1", "pos-c": "2"}, "position from 1 to 3"),
        ({"pos-a": "4", "pos-b": "1", "pos-c": "2"}, "position from 1 to 3"),
        ({"pos-a": "x", "pos-b": "1", "pos-c": "2"}, "position from 1 to 3"),
        ({"pos-a": "<script>", "pos-b": "1", "pos-c": "2"}, "position from 1 to 3"),
    ],
)
def test_triage_positions_must_be_a_permutation(form: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        triage_order(MultiDict(form), ["a", "b", "c"])
    assert message in caught.value.message


def test_triage_positions_become_an_order() -> None:
    form = MultiDict({"pos-a": "3", "pos-b": "1", "pos-c": "2"})
    assert triage_order(form, ["a", "b", "c"]) == ["b", "c", "a"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, {"competency": "", "level": ""}),
        ({"competency": "networking", "level": "mid"},
         {"competency": "networking", "level": "mid"}),
        ({"competency": "<script>", "level": "expert"}, {"competency": "", "level": ""}),
    ],
)
def test_practice_filters_ignore_unknown_values(
    args: dict[str, str], expected: dict[str, str]
) -> None:
    assert practice_filters(args, ["networking"]) == expected


@pytest.fixture
def attempt_url(
    app: Flask, client: FlaskClient, catalog: Any, make_user: Callable[..., User],
    now: FixedClock,
) -> str:
    """Sign a candidate in through an invitation and return their attempt's URL."""
    interviewer = make_user("interviewer")
    with app.app_context():
        creator = db.session.get(User, interviewer.id)
        assessment = assessments.create_assessment(
            creator, "Bad input", [SCENARIO], now() - timedelta(hours=1))
        token = assessments.invite(creator, assessment.id, "Eve", "eve@example.test", now()).token
    client.get(f"/i/{token}")
    client.post(f"/i/{token}/start", data={"agree": "y"})
    return client.get("/candidate/next").location


def test_one_megabyte_answer_is_413(client: FlaskClient, attempt_url: str) -> None:
    huge = "x" * (1024 * 1024 + 10)
    as_form = client.post(attempt_url + "/turn", data={"type": "answer", "value": huge})
    as_json = client.post(attempt_url + "/turn", json={"type": "answer", "value": huge})
    assert as_form.status_code == 413 and as_json.status_code == 413
    assert "too large" in as_form.get_data(as_text=True).lower()
    assert "error" in as_json.get_json()


def test_oversized_but_accepted_request_gets_a_clear_message(
    client: FlaskClient, attempt_url: str
) -> None:
    response = client.post(attempt_url + "/turn", json={"type": "answer", "value": "y" * 200_000})
    assert response.status_code == 422
    assert "too long" in response.get_json()["error"]


@pytest.mark.parametrize("text", MALICIOUS)
def test_malicious_text_is_stored_and_shown_escaped(
    client: FlaskClient, attempt_url: str, text: str
) -> None:
    response = client.post(attempt_url + "/turn", json={"type": "answer", "value": text})
    assert response.status_code in (200, 422)
    page = client.get(attempt_url)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    if response.status_code == 200:
        shown = text.replace("\x00", "")  # control characters are dropped on the way in
        assert str(escape(shown)) in body  # shown literally, never interpreted


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"type": "answer"},
        {"type": "answer", "value": ""},
        {"type": "hint", "value": "anything"},
        {"type": "nonsense", "value": "x"},
        {"type": "answer", "value": "hi", "expected_index": "not-a-number"},
    ],
)
def test_bad_plain_forms_redirect_with_a_message(
    client: FlaskClient, attempt_url: str, form: dict[str, str]
) -> None:
    response = client.post(attempt_url + "/turn", data=form)
    assert response.status_code == 302 and response.location.endswith(attempt_url)
    page = client.get(attempt_url).get_data(as_text=True)
    assert 'class="flash flash-error"' in page


@pytest.mark.parametrize("detail", [{"k": "v" * 5000}, {"n": None, "b": True, "f": 1.5}])
def test_signal_detail_is_bounded(client: FlaskClient, attempt_url: str, detail: Any) -> None:
    response = client.post(attempt_url + "/signal", json={"kind": "paste", "detail": detail})
    assert response.status_code == 201


def test_consent_form_requires_the_box(
    app: Flask, client: FlaskClient, catalog: Any, make_user: Callable[..., User],
    now: FixedClock,
) -> None:
    interviewer = make_user("interviewer")
    with app.app_context():
        creator = db.session.get(User, interviewer.id)
        assessment = assessments.create_assessment(
            creator, "Consent", [SCENARIO], now() - timedelta(hours=1))
        token = assessments.invite(creator, assessment.id, "Al", "al@example.test", now()).token
    for data in ({}, {"agree": ""}, {"agree": "<script>"}):
        response = client.post(f"/i/{token}/start", data=data)
        if data.get("agree"):
            assert response.status_code == 302  # any non-empty value ticks a checkbox
            break
        assert "Please tick the box" in response.get_data(as_text=True)
