"""Interviewer area: assessments, invitations, one-time links, revoke, resend, extra time."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from simulator.services import assessments
from simulator.services.clock import FixedClock
from simulator.store.db import db
from simulator.store.models import Assessment, Invitation, User

LINK_RE = re.compile(r'id="invitation-link"[^>]*value="([^"]+)"')


@pytest.fixture
def interviewer(make_user: Callable[..., User], auth: Any) -> User:
    """Return a signed-in interviewer."""
    user = make_user("interviewer")
    auth.login_as(user)
    return user


@pytest.fixture
def scenario_id(catalog: Any) -> str:
    """Return a scenario id from the bundled library."""
    if not catalog.scenarios:
        pytest.skip("the bundled library has no valid scenario yet")
    return sorted(catalog.scenarios)[0]


def _create(client: FlaskClient, scenario_id: str, **extra: Any) -> Any:
    data = {"title": "Intake", "role_profile_id": "", "scenario_ids": [scenario_id],
            "time_limit_minutes": "", "opens_at": "", "closes_at": ""}
    data.update(extra)
    return client.post("/interviewer/assessments/new", data=data)


def _assessment_id(response: Any) -> int:
    match = re.search(r"/interviewer/assessments/(\d+)", response.headers["Location"])
    assert match is not None
    return int(match.group(1))


def _invite(client: FlaskClient, assessment_id: int, name: str = "Cara Candidate",
            email: str = "cara@example.test", extra: str = "0") -> Any:
    return client.post(f"/interviewer/assessments/{assessment_id}/invitations", data={
        "candidate_name": name, "candidate_email": email, "extra_minutes": extra})


def test_new_assessment_form_lists_library(client: FlaskClient, interviewer: User,
                                           scenario_id: str) -> None:
    page = client.get("/interviewer/assessments/new").get_data(as_text=True)
    assert scenario_id in page
    assert "Custom set" in page


def test_create_custom_assessment(app: Flask, client: FlaskClient, interviewer: User,
                                  scenario_id: str, now: FixedClock) -> None:
    response = _create(client, scenario_id, time_limit_minutes="25")
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(Assessment, _assessment_id(response))
        assert item is not None
        assert item.scenario_ids == [scenario_id]
        assert item.time_limit_minutes == 25
        assert item.created_by_id == interviewer.id
        assert item.opens_at == now()


def test_create_from_role_profile(app: Flask, client: FlaskClient, interviewer: User,
                                  catalog: Any) -> None:
    known = set(catalog.scenarios)
    complete = [r for r in catalog.framework.roles if r.scenarios and set(r.scenarios) <= known]
    assert complete, "no role profile whose scenarios are all in the library"
    profile = complete[0]
    response = _create(client, "ignored", role_profile_id=profile.id, scenario_ids=[])
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(Assessment, _assessment_id(response))
        assert item is not None
        assert item.role_profile_id == profile.id
        assert item.scenario_ids == list(profile.scenarios)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"title": ""}, "Enter a title."),
        ({"scenario_ids": []}, "Choose a role profile or at least one scenario."),
        ({"scenario_ids": ["no-such-scenario"]}, "not a valid choice"),
        ({"role_profile_id": "no-such-role"}, "not a valid choice"),
        ({"time_limit_minutes": "0"}, "Use 1 to 480 minutes"),
        ({"time_limit_minutes": "abc"}, "Not a valid integer value"),
        ({"opens_at": "2026-02-01T10:00", "closes_at": "2026-01-01T10:00"},
         "must close after it opens"),
        ({"opens_at": "yesterday"}, "Not a valid datetime value"),
    ],
)
def test_create_assessment_bad_input(client: FlaskClient, interviewer: User, scenario_id: str,
                                     extra: dict[str, Any], message: str) -> None:
    response = _create(client, scenario_id, **extra)
    assert response.status_code == 400
    assert message.lower() in response.get_data(as_text=True).lower()


def test_invitation_link_shown_once_and_only_hash_stored(
    app: Flask, client: FlaskClient, interviewer: User, scenario_id: str, now: FixedClock
) -> None:
    assessment_id = _assessment_id(_create(client, scenario_id))
    response = _invite(client, assessment_id)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    link = LINK_RE.search(page)
    assert link is not None
    token = link.group(1).rsplit("/i/", 1)[1]
    assert len(token) >= 43
    assert "data-copy-target" in page
    with app.app_context():
        invitation = db.session.scalar(sa.select(Invitation))
        assert invitation is not None
        assert invitation.token_hash == assessments.hash_token(token)
        assert token not in invitation.token_hash
        assert invitation.expires_at == now() + timedelta(days=7)
        assert assessments.invitation_for_token(token, now()).id == invitation.id
    detail = client.get(f"/interviewer/assessments/{assessment_id}").get_data(as_text=True)
    assert token not in detail
    assert "Cara Candidate" in detail
    assert "badge-invited" in detail


def test_resend_issues_new_token_and_kills_old(
    app: Flask, client: FlaskClient, interviewer: User, scenario_id: str, now: FixedClock
) -> None:
    assessment_id = _assessment_id(_create(client, scenario_id))
    old = LINK_RE.search(_invite(client, assessment_id).get_data(as_text=True))
    assert old is not None
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(Invitation.id))
    response = client.post(f"/interviewer/invitations/{invitation_id}/resend")
    new = LINK_RE.search(response.get_data(as_text=True))
    assert new is not None and new.group(1) != old.group(1)
    with app.app_context():
        with pytest.raises(assessments.InvitationError):
            assessments.invitation_for_token(old.group(1).rsplit("/", 1)[1], now())
        assert assessments.invitation_for_token(new.group(1).rsplit("/", 1)[1], now())


def test_revoke_and_extra_time(app: Flask, client: FlaskClient, interviewer: User,
                               scenario_id: str, now: FixedClock) -> None:
    assessment_id = _assessment_id(_create(client, scenario_id))
    link = LINK_RE.search(_invite(client, assessment_id).get_data(as_text=True))
    assert link is not None
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(Invitation.id))
    response = client.post(f"/interviewer/invitations/{invitation_id}/extra-time",
                           data={"extra_minutes": "30"})
    assert response.status_code == 302
    response = client.post(f"/interviewer/invitations/{invitation_id}/revoke")
    assert response.status_code == 302
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        assert invitation is not None
        assert invitation.extra_minutes == 30
        assert invitation.status_at(now()) == "revoked"
    page = client.get(f"/interviewer/assessments/{assessment_id}").get_data(as_text=True)
    assert "badge-revoked" in page


@pytest.mark.parametrize("value", ["-1", "2000", "abc", ""])
def test_extra_time_bad_input(app: Flask, client: FlaskClient, interviewer: User,
                              scenario_id: str, value: str) -> None:
    assessment_id = _assessment_id(_create(client, scenario_id))
    _invite(client, assessment_id)
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(Invitation.id))
    response = client.post(f"/interviewer/invitations/{invitation_id}/extra-time",
                           data={"extra_minutes": value}, follow_redirects=True)
    assert response.status_code == 200
    assert "Extra time not changed" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).extra_minutes == 0


@pytest.mark.parametrize(
    ("name", "email", "message"),
    [
        ("", "a@example.test", "Enter the candidate&#39;s name."),
        ("Ann", "", "Enter the candidate&#39;s e-mail address."),
        ("Ann", "not-an-email", "Enter a valid e-mail address."),
        ("A" * 121, "a@example.test", "Use at most 120 characters."),
        ("Ann", "a" * 250 + "@example.test", "Use at most 254 characters."),
    ],
)
def test_invite_bad_input(client: FlaskClient, interviewer: User, scenario_id: str,
                          name: str, email: str, message: str) -> None:
    assessment_id = _assessment_id(_create(client, scenario_id))
    response = _invite(client, assessment_id, name=name, email=email)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_invite_staff_email_refused(client: FlaskClient, interviewer: User,
                                    scenario_id: str) -> None:
    assessment_id = _assessment_id(_create(client, scenario_id))
    response = _invite(client, assessment_id, email=interviewer.email)
    assert response.status_code == 400
    assert "staff account" in response.get_data(as_text=True)


def test_window_close_and_reopen(app: Flask, client: FlaskClient, interviewer: User,
                                 scenario_id: str, now: FixedClock) -> None:
    assessment_id = _assessment_id(_create(client, scenario_id))
    link = LINK_RE.search(_invite(client, assessment_id).get_data(as_text=True))
    assert link is not None
    token = link.group(1).rsplit("/", 1)[1]
    now.advance(seconds=60)
    assert client.post(f"/interviewer/assessments/{assessment_id}/close").status_code == 302
    now.advance(seconds=60)
    with app.app_context():
        with pytest.raises(assessments.InvitationError) as caught:
            assessments.invitation_for_token(token, now())
        assert caught.value.reason == "closed"
    assert client.post(f"/interviewer/assessments/{assessment_id}/reopen").status_code == 302
    with app.app_context():
        assert assessments.invitation_for_token(token, now())


def test_window_form_bad_input(client: FlaskClient, interviewer: User,
                               scenario_id: str) -> None:
    assessment_id = _assessment_id(_create(client, scenario_id))
    response = client.post(f"/interviewer/assessments/{assessment_id}/window", data={
        "opens_at": "2026-03-01T10:00", "closes_at": "2026-02-01T10:00"})
    assert response.status_code == 400
    assert "must close after it opens" in response.get_data(as_text=True)


def test_list_shows_counts(client: FlaskClient, interviewer: User, scenario_id: str) -> None:
    assessment_id = _assessment_id(_create(client, scenario_id, title="Spring intake"))
    _invite(client, assessment_id)
    _invite(client, assessment_id, name="Bo", email="bo@example.test")
    page = client.get("/interviewer/assessments").get_data(as_text=True)
    assert "Spring intake" in page
    assert re.search(r'class="num">2</td>', page)


def test_other_interviewers_objects_are_404(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], scenario_id: str
) -> None:
    owner = make_user("interviewer")
    client.post("/login", data={"email": owner.email, "password": owner.password})
    assessment_id = _assessment_id(_create(client, scenario_id, title="Owner's"))
    _invite(client, assessment_id)
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(Invitation.id))
    client.post("/logout")
    intruder = make_user("interviewer")
    client.post("/login", data={"email": intruder.email, "password": intruder.password})
    assert "Owner&#39;s" not in client.get("/interviewer/assessments").get_data(as_text=True)
    requests = [
        ("get", f"/interviewer/assessments/{assessment_id}", None),
        ("post", f"/interviewer/assessments/{assessment_id}/invitations",
         {"candidate_name": "X", "candidate_email": "x@example.test"}),
        ("post", f"/interviewer/assessments/{assessment_id}/window",
         {"opens_at": "2026-01-01T00:00"}),
        ("post", f"/interviewer/assessments/{assessment_id}/close", None),
        ("post", f"/interviewer/assessments/{assessment_id}/reopen", None),
        ("post", f"/interviewer/invitations/{invitation_id}/revoke", None),
        ("post", f"/interviewer/invitations/{invitation_id}/resend", None),
        ("post", f"/interviewer/invitations/{invitation_id}/extra-time",
         {"extra_minutes": "5"}),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, url
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        assert invitation is not None and invitation.revoked_at is None
        assert invitation.extra_minutes == 0


def test_admin_sees_every_assessment(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], scenario_id: str
) -> None:
    owner = make_user("interviewer")
    client.post("/login", data={"email": owner.email, "password": owner.password})
    assessment_id = _assessment_id(_create(client, scenario_id, title="Visible to admin"))
    client.post("/logout")
    admin = make_user("admin")
    client.post("/login", data={"email": admin.email, "password": admin.password})
    assert "Visible to admin" in client.get("/interviewer/assessments").get_data(as_text=True)
    assert client.get(f"/interviewer/assessments/{assessment_id}").status_code == 200


def test_unknown_ids_are_404(client: FlaskClient, interviewer: User) -> None:
    assert client.get("/interviewer/assessments/424242").status_code == 404
    assert client.post("/interviewer/invitations/424242/revoke").status_code == 404
