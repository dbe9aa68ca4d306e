"""Navigation entries: each blueprint registers its own; base.html shows the user's."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

NAV_KEY = "simulator.nav"

#: where each role lands after signing in, best first (missing endpoints are skipped)
ROLE_HOMES: dict[str, tuple[str, ...]] = {
    "admin": ("admin.users",),
    "interviewer": ("interviewer.assessments", "review.index"),
    "trainee": ("practice.index",),
    "candidate": ("candidate.index",),
}


@dataclass(frozen=True)
class NavEntry:
    """One header link, shown to the given roles."""

    label: str
    endpoint: str
    roles: tuple[str, ...]
    order: int = 100


def register_nav(
    app: Flask, label: str, endpoint: str, roles: tuple[str, ...] | list[str], order: int = 100
) -> None:
    """Add a navigation entry (idempotent per endpoint+label)."""
    entries: list[NavEntry] = app.extensions.setdefault(NAV_KEY, [])
    entry = NavEntry(label, endpoint, tuple(roles), order)
    if any(e.label == label and e.endpoint == endpoint for e in entries):
        return
    entries.append(entry)
    entries.sort(key=lambda e: (e.order, e.label))


def nav_entries_for(role: str | None) -> list[NavEntry]:
    """Return the entries visible to ``role`` whose endpoints exist."""
    if not role:
        return []
    entries: list[NavEntry] = current_app.extensions.get(NAV_KEY, [])
    names = set(current_app.view_functions)
    return [e for e in entries if role in e.roles and e.endpoint in names]


def current_nav() -> list[dict[str, str | bool]]:
    """Return the current user's entries as dicts for templates (url, label, active).

    The active entry is the one for this endpoint, else the one whose URL is the longest
    prefix of the current path (``/admin/users/new`` → Users).
    """
    from flask import request

    if not current_user.is_authenticated:
        return []
    items: list[dict[str, str | bool]] = []
    for entry in nav_entries_for(current_user.role):
        try:
            url = url_for(entry.endpoint)
        except BuildError:
            continue
        items.append({"url": url, "label": entry.label, "active": False,
                      "endpoint": entry.endpoint})
    exact = [i for i in items if i["endpoint"] == request.endpoint]
    prefixed = sorted(
        (i for i in items if request.path.startswith(str(i["url"]).rstrip("/") + "/")
         or request.path == i["url"]),
        key=lambda i: len(str(i["url"])), reverse=True,
    )
    best = (exact or prefixed or [None])[0]
    if best is not None:
        best["active"] = True
    return items


def home_url_for(role: str | None) -> str:
    """Return the landing page URL for ``role`` (the index page if none exists)."""
    for endpoint in ROLE_HOMES.get(role or "", ()):
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("auth.index")
