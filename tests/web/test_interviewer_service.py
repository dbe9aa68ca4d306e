"""The assessments service: token look-up, statuses, consent, finish."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from simulator.services import assessments
from simulator.services.clock import FixedClock
from simulator.services.errors import Conflict, InvalidInput, InvitationError, NotFound
from simulator.store.db import db
from simulator.store.models import Invitation, User


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


@pytest.fixture
def owner(make_user: Callable[..., User], ctx: None) -> User:
    return db.session.merge(make_user("interviewer"))


@pytest.fixture
def issued(owner: User, now: FixedClock) -> assessments.IssuedInvitation:
    item = assessments.create_assessment(owner, "Test", ["outlook-password-prompt"], now())
    return assessments.invite(owner, item.id, "Cara", "cara@example.test", now())


def test_token_is_urlsafe_and_long(issued: assessments.IssuedInvitation) -> None:
    assert len(issued.token) == 43
    assert assessments.TOKEN_RE.match(issued.token)
    assert issued.invitation.token_hash == assessments.hash_token(issued.token)


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "../../etc/passwd" + "a" * 30,
                                   "' OR 1=1 --" + "a" * 30, "é" * 43])
def test_unknown_or_malformed_token(issued: assessments.IssuedInvitation, now: FixedClock,
                                    token: str) -> None:
    with pytest.raises(InvitationError) as caught:
        assessments.invitation_for_token(token, now())
    assert caught.value.reason == "unknown"
    assert "not valid" in caught.value.message


def test_status_lifecycle(issued: assessments.IssuedInvitation, now: FixedClock) -> None:
    invitation = issued.invitation
    assert invitation.status_at(now()) == "invited"
    assessments.mark_opened(invitation, now())
    assert invitation.status_at(now()) == "invited"
    assessments.mark_consented(invitation, now())
    assert invitation.status_at(now()) == "started"
    assert invitation.candidate_user is not None
    assert invitation.candidate_user.role == "candidate"
    assert invitation.candidate_user.password_hash is None
    # started invitations keep working past the expiry (the candidate may resume)
    now.advance(days=8)
    assert assessments.invitation_for_token(issued.token, now()).id == invitation.id
    assessments.mark_finished(invitation, now())
    assert invitation.status_at(now()) == "finished"
    with pytest.raises(InvitationError) as caught:
        assessments.invitation_for_token(issued.token, now())
    assert caught.value.reason == "used"


def test_expired(issued: assessments.IssuedInvitation, now: FixedClock) -> None:
    now.advance(days=7)
    assert issued.invitation.status_at(now()) == "expired"
    with pytest.raises(InvitationError) as caught:
        assessments.invitation_for_token(issued.token, now())
    assert caught.value.reason == "expired"
    with pytest.raises(InvitationError):
        assessments.mark_consented(issued.invitation, now())


def test_revoked(owner: User, issued: assessments.IssuedInvitation, now: FixedClock) -> None:
    assessments.revoke(owner, issued.invitation.id, now())
    with pytest.raises(InvitationError) as caught:
        assessments.invitation_for_token(issued.token, now())
    assert caught.value.reason == "revoked"
    with pytest.raises(InvitationError):
        assessments.mark_finished(issued.invitation, now())


def test_not_open_yet(owner: User, now: FixedClock) -> None:
    item = assessments.create_assessment(owner, "Later", ["a"], now() + timedelta(days=1))
    issued = assessments.invite(owner, item.id, "Cara", "cara@example.test", now())
    with pytest.raises(InvitationError) as caught:
        assessments.invitation_for_token(issued.token, now())
    assert caught.value.reason == "not_open"
    assert "opens on" in caught.value.message


def test_resend_after_finish_is_conflict(owner: User, issued: assessments.IssuedInvitation,
                                         now: FixedClock) -> None:
    assessments.mark_consented(issued.invitation, now())
    assessments.mark_finished(issued.invitation, now())
    with pytest.raises(Conflict):
        assessments.resend(owner, issued.invitation.id, now())
    with pytest.raises(Conflict):
        assessments.revoke(owner, issued.invitation.id, now())


def test_resend_unrevokes_and_extends(owner: User, issued: assessments.IssuedInvitation,
                                      now: FixedClock) -> None:
    assessments.revoke(owner, issued.invitation.id, now())
    now.advance(days=3)
    again = assessments.resend(owner, issued.invitation.id, now())
    assert again.invitation.revoked_at is None
    assert again.invitation.expires_at == now() + timedelta(days=7)
    assert assessments.invitation_for_token(again.token, now()).id == issued.invitation.id


def test_same_candidate_email_reuses_candidate_user(owner: User, now: FixedClock) -> None:
    item = assessments.create_assessment(owner, "Two", ["a"], now())
    first = assessments.invite(owner, item.id, "Cara", "Cara@Example.test", now())
    second = assessments.invite(owner, item.id, "Cara", "cara@example.test", now())
    assessments.mark_consented(first.invitation, now())
    assessments.mark_consented(second.invitation, now())
    assert first.invitation.candidate_user_id == second.invitation.candidate_user_id


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"scenario_ids": []}, "scenario_ids"),
        ({"time_limit_minutes": 0}, "time_limit_minutes"),
        ({"time_limit_minutes": 10_000}, "time_limit_minutes"),
        ({"closes_offset": -1}, "closes_at"),
    ],
)
def test_create_assessment_invalid(owner: User, now: FixedClock, kwargs: dict[str, Any],
                                   field: str) -> None:
    args: dict[str, Any] = {"title": "T", "scenario_ids": ["a"], "opens_at": now()}
    offset = kwargs.pop("closes_offset", None)
    if offset is not None:
        args["closes_at"] = now() + timedelta(hours=offset)
    args.update(kwargs)
    with pytest.raises(InvalidInput) as caught:
        assessments.create_assessment(owner, **args)
    assert caught.value.field == field


def test_scenario_ids_for(catalog: Any) -> None:
    some = sorted(catalog.scenarios)[:1]
    if not some:
        pytest.skip("no scenarios")
    assert assessments.scenario_ids_for(catalog, None, some + some) == some
    with pytest.raises(InvalidInput):
        assessments.scenario_ids_for(catalog, None, [])
    with pytest.raises(InvalidInput):
        assessments.scenario_ids_for(catalog, "no-such-profile", [])
    with pytest.raises(InvalidInput):
        assessments.scenario_ids_for(catalog, None, ["missing-scenario"])


def test_other_users_invitation_not_found(make_user: Callable[..., User], owner: User,
                                          issued: assessments.IssuedInvitation) -> None:
    other = db.session.merge(make_user("interviewer"))
    with pytest.raises(NotFound):
        assessments.get_invitation(other, issued.invitation.id)
    admin = db.session.merge(make_user("admin"))
    assert assessments.get_invitation(admin, issued.invitation.id).id == issued.invitation.id


def test_counts(owner: User, issued: assessments.IssuedInvitation, now: FixedClock) -> None:
    second = assessments.invite(owner, issued.invitation.assessment_id, "Bo", "bo@example.test",
                                now())
    assessments.revoke(owner, second.invitation.id, now())
    counts = assessments.invitation_counts(issued.invitation.assessment, now())
    assert counts == {"invited": 1, "started": 0, "finished": 0, "expired": 0, "revoked": 1}
    assert db.session.query(Invitation).count() == 2
