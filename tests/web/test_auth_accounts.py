"""The accounts service: argon2id hashing, strength rules, generated passwords."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from simulator.services import accounts
from simulator.services.errors import InvalidInput, NotFound
from simulator.store.db import db
from simulator.store.models import User


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


def test_hash_is_argon2id_with_owasp_parameters() -> None:
    hashed = accounts.hash_password("a sufficiently long password")
    assert hashed.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in hashed
    assert accounts.hash_password("a sufficiently long password") != hashed  # salted


@pytest.mark.parametrize(
    ("password", "ok"),
    [("short", False), ("x" * 9, False), ("x" * 10, True), ("          ", False),
     ("x" * 128, True), ("x" * 129, False), ("pässwörd-ünïcode", True)],
)
def test_password_strength(password: str, ok: bool) -> None:
    if ok:
        accounts.check_password_strength(password)
    else:
        with pytest.raises(InvalidInput):
            accounts.check_password_strength(password)


def test_generated_passwords_are_strong_and_distinct() -> None:
    passwords = {accounts.generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        accounts.check_password_strength(password)
        assert len(password) >= 20


@pytest.mark.parametrize(
    ("name", "email", "role", "field"),
    [
        ("", "a@example.test", "trainee", "name"),
        ("A", "not-an-email", "trainee", "email"),
        ("A", "a@example.test", "superuser", "role"),
        ("A", "a@b", "trainee", "email"),
        ("A", "x" * 250 + "@example.test", "trainee", "email"),
    ],
)
def test_create_user_rejects(ctx: None, name: str, email: str, role: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        accounts.create_user(name, email, role, "a long enough password")
    assert caught.value.field == field
    assert db.session.query(User).count() == 0


def test_candidate_has_no_password(ctx: None) -> None:
    user, generated = accounts.create_user("Cara", "cara@example.test", "candidate")
    assert generated is None and user.password_hash is None
    assert accounts.authenticate("cara@example.test", "") is None


def test_authenticate(ctx: None) -> None:
    accounts.create_user("Ann", "ann@example.test", "admin", "correct horse battery")
    assert accounts.authenticate("ANN@example.test ", "correct horse battery") is not None
    assert accounts.authenticate("ann@example.test", "Correct horse battery") is None
    assert accounts.authenticate("nobody@example.test", "correct horse battery") is None
    assert accounts.authenticate("", "") is None


def test_rehash_on_parameter_change(ctx: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    user, _ = accounts.create_user("Old", "old@example.test", "trainee", "an old password!")
    user.password_hash = weak.hash("an old password!")
    db.session.commit()
    assert accounts.authenticate("old@example.test", "an old password!") is not None
    assert "m=19456,t=2,p=1" in (db.session.get(User, user.id).password_hash or "")


def test_reset_and_deactivate(ctx: None) -> None:
    user, _ = accounts.create_user("Bo", "bo@example.test", "trainee", "first password!")
    generated = accounts.reset_password(user.id)
    assert generated and accounts.authenticate("bo@example.test", generated) is not None
    assert accounts.reset_password(user.id, "second password!") is None
    accounts.set_active(user.id, False)
    assert accounts.authenticate("bo@example.test", "second password!") is None
    with pytest.raises(InvalidInput):
        accounts.set_active(user.id, False, acting_user_id=user.id)
    with pytest.raises(NotFound):
        accounts.reset_password(987654)
