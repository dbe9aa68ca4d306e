"""Accounts: create users, hash and check passwords (argon2id), reset, deactivate."""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from simulator.services.errors import InvalidInput, NotFound
from simulator.store.db import db
from simulator.store.models import ROLES, User

#: OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD = 10
MAX_PASSWORD = 128
#: compared against when the e-mail is unknown, so timing does not reveal accounts
_DUMMY_HASH = HASHER.hash("dummy password for timing equalisation")
STAFF_ROLES = ("admin", "interviewer", "trainee")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,252}\.[^@\s.]{1,63}$")


def normalise_email(email: str) -> str:
    """Return the canonical (trimmed, lower-case) form of an e-mail address."""
    return email.strip().lower()


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password``."""
    return HASHER.hash(password)


def check_password_strength(password: str) -> None:
    """Raise InvalidInput unless the password is long enough and not absurdly long."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"Use at least {MIN_PASSWORD} characters.", field="password")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"Use at most {MAX_PASSWORD} characters.", field="password")
    if not password.strip():
        raise InvalidInput("The password cannot be only spaces.", field="password")


def generate_password() -> str:
    """Return a random password that is easy to read aloud and type."""
    return "-".join(secrets.token_urlsafe(6).replace("_", "x").replace("-", "y") for _ in range(3))


def find_by_email(email: str) -> User | None:
    """Return the user with this e-mail, if any."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def get_user(user_id: int) -> User:
    """Return the user or raise NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def list_users() -> list[User]:
    """Return every user, staff first by role then by name."""
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.name, User.id)))


def create_user(
    name: str, email: str, role: str, password: str | None = None
) -> tuple[User, str | None]:
    """Create a user; return it and the generated password (None if one was given)."""
    name = name.strip()
    if not name:
        raise InvalidInput("Enter a name.", field="name")
    if role not in ROLES:
        raise InvalidInput("Choose a valid role.", field="role")
    email = normalise_email(email)
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise InvalidInput("Enter a valid e-mail address.", field="email")
    if find_by_email(email) is not None:
        raise InvalidInput("A user with this e-mail already exists.", field="email")
    generated = None
    if role == "candidate" and password is None:
        password_hash = None
    else:
        if not password:
            password = generated = generate_password()
        check_password_strength(password)
        password_hash = hash_password(password)
    user = User(name=name, email=email, role=role, password_hash=password_hash, is_active=True)
    db.session.add(user)
    db.session.commit()
    return user, generated


def authenticate(email: str, password: str) -> User | None:
    """Return the active user whose e-mail and password match, else None."""
    user = find_by_email(email) if email else None
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not user.password_hash or not user.is_active:
        return None
    if HASHER.check_needs_rehash(stored):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def reset_password(user_id: int, password: str | None = None) -> str | None:
    """Set a new password; return the generated one when none was given."""
    user = get_user(user_id)
    generated = None
    if not password:
        password = generated = generate_password()
    check_password_strength(password)
    user.password_hash = hash_password(password)
    db.session.commit()
    return generated


def set_active(user_id: int, active: bool, acting_user_id: int | None = None) -> User:
    """Activate or deactivate a user (an admin cannot deactivate themself)."""
    user = get_user(user_id)
    if not active and acting_user_id == user.id:
        raise InvalidInput("You cannot deactivate your own account.")
    user.is_active = active
    db.session.commit()
    return user
