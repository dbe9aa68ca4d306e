"""Guards, navigation and the blueprint loader."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Blueprint, Flask

from simulator.store.models import User
from simulator.web import blueprints
from simulator.web.guards import require_roles, role_required
from simulator.web.nav import nav_entries_for, register_nav


def test_role_required_needs_roles() -> None:
    with pytest.raises(ValueError):
        role_required()
    with pytest.raises(ValueError):
        require_roles(Blueprint("x", __name__))


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("trainee", 403),
                                              (None, 302)])
def test_role_required_decorator(app_factory: Callable[..., Flask],
                                 make_user: Callable[..., User], role: str | None,
                                 status: int) -> None:
    app = app_factory()

    @app.route("/only-admins")
    @role_required("admin")
    def only_admins() -> str:
        return "secret"

    client = app.test_client()
    if role:
        user = make_user(role)
        client.post("/login", data={"email": user.email, "password": user.password})
    response = client.get("/only-admins")
    assert response.status_code == status
    assert (b"secret" in response.data) == (status == 200)


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        ("admin", {"Users", "Library", "Assessments"}, set()),
        ("interviewer", {"Assessments"}, {"Users", "Library"}),
        ("trainee", set(), {"Users", "Library", "Assessments"}),
        (None, set(), {"Users", "Library", "Assessments"}),
    ],
)
def test_nav_per_role(app: Flask, role: str | None, present: set[str],
                      absent: set[str]) -> None:
    with app.test_request_context():
        labels = {e.label for e in nav_entries_for(role)}
    assert present <= labels
    assert not absent & labels


def test_register_nav_is_idempotent_and_hides_missing_endpoints(app: Flask) -> None:
    register_nav(app, "Ghost", "nowhere.index", ("admin",))
    register_nav(app, "Users", "admin.users", ("admin",), order=80)
    with app.test_request_context():
        labels = [e.label for e in nav_entries_for("admin")]
    assert "Ghost" not in labels
    assert labels.count("Users") == 1


def test_nav_rendered_for_role(client: object, make_user: Callable[..., User],
                               auth: object) -> None:
    user = make_user("interviewer")
    auth.login_as(user)  # type: ignore[attr-defined]
    page = client.get("/interviewer/assessments").get_data(as_text=True)  # type: ignore[attr-defined]
    assert 'aria-current="page"' in page
    assert ">Assessments</a>" in page
    assert ">Users</a>" not in page


def test_every_blueprint_module_is_registered(app: object) -> None:
    names = {bp.name for bp in app.blueprints.values()}  # type: ignore[attr-defined]
    assert {"auth", "admin", "interviewer", "candidate", "practice", "review"} <= names


def test_a_missing_blueprint_module_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blueprints, "BLUEPRINT_MODULES", ("simulator.web.not_written_yet",))
    with pytest.raises(ModuleNotFoundError):
        blueprints.register_blueprints(Flask(__name__))


@pytest.mark.parametrize(
    ("path", "active"),
    [("/admin/users", "Users"), ("/admin/users/new", "Users"), ("/admin/library", "Library"),
     ("/interviewer/assessments/new", "Assessments")],
)
def test_exactly_one_active_nav_entry(client: object, make_user: Callable[..., User],
                                      auth: object, path: str, active: str) -> None:
    import re

    auth.login_as(make_user("admin"))  # type: ignore[attr-defined]
    page = client.get(path).get_data(as_text=True)  # type: ignore[attr-defined]
    current = re.findall(r'aria-current="page">([^<]+)</a>', page)
    assert current == [active]
