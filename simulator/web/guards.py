"""Role guards. Deny by default: every blueprint requires its roles in before_request."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

F = TypeVar("F", bound=Callable[..., Any])


def _deny() -> Response | None:
    """Redirect anonymous users to the login page; abort 403 otherwise."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(403)


def check_roles(roles: tuple[str, ...]) -> Response | None:
    """Return a redirect/abort unless the current user is active and has one of ``roles``."""
    if current_user.is_authenticated and current_user.is_active and current_user.role in roles:
        return None
    return _deny()


def role_required(*roles: str) -> Callable[[F], F]:
    """Decorate a view so only users with one of ``roles`` may call it."""
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            denied = check_roles(roles)
            if denied is not None:
                return denied
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def require_roles(bp: Blueprint, *roles: str, public: tuple[str, ...] = ()) -> None:
    """Guard every view of ``bp``: only ``roles`` may enter; ``public`` endpoints are open."""
    if not roles:
        raise ValueError("require_roles needs at least one role")
    open_endpoints = {f"{bp.name}.{name}" for name in public}

    @bp.before_request
    def _guard() -> Response | None:
        if request.endpoint in open_endpoints:
            return None
        return check_roles(roles)
