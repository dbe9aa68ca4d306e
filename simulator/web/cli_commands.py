"""Web commands on the ``simulator`` CLI: serve, users, db upgrade, demo.

``simulator.cli`` calls ``register(subparsers)``; every handler returns an exit status.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
from typing import Any

from flask import Flask

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4


def _app() -> Flask:
    """Create the app from the environment."""
    from simulator.web import create_app

    return create_app()


def upgrade_database(app: Flask) -> None:
    """Run every pending migration (``flask db upgrade``)."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply the migrations to the configured database."""
    del args
    upgrade_database(_app())
    print("Database is up to date.")
    return 0


def cmd_users_create(args: argparse.Namespace) -> int:
    """Create a user; print the generated password once."""
    from simulator.services import accounts
    from simulator.services.errors import InvalidInput

    app = _app()
    with app.app_context():
        try:
            user, generated = accounts.create_user(args.name, args.email, args.role,
                                                   args.password)
        except InvalidInput as error:
            print(f"error: {error.message}", file=sys.stderr)
            return 1
        print(f"Created {user.role} {user.email} (id {user.id}).")
        if generated:
            print(f"Password (shown once): {generated}")
    return 0


def cmd_users_reset(args: argparse.Namespace) -> int:
    """Reset a user's password; print the generated one once."""
    from simulator.services import accounts
    from simulator.services.errors import InvalidInput

    app = _app()
    with app.app_context():
        user = accounts.find_by_email(args.email)
        if user is None:
            print(f"error: no user with e-mail {args.email!r}", file=sys.stderr)
            return 1
        try:
            generated = accounts.reset_password(user.id, args.password)
        except InvalidInput as error:
            print(f"error: {error.message}", file=sys.stderr)
            return 1
        print(f"Password for {user.email} changed.")
        if generated:
            print(f"New password (shown once): {generated}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Seed the demo accounts, assessment and invitation (embedded database only)."""
    from simulator.services import demo, library
    from simulator.services.clock import utcnow

    reason = demo.refusal_reason()
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 1
    app = _app()
    if not args.no_migrate:
        upgrade_database(app)
    with app.app_context():
        result = demo.seed(library.catalog(), utcnow())
    for line in demo.format_result(result, args.base_url):
        print(line)
    return 0


def serve_command(host: str, port: int, workers: int, threads: int) -> list[str] | None:
    """Return the gunicorn command line, or None when gunicorn is not installed."""
    if importlib.util.find_spec("gunicorn") is None:
        return None
    return [
        sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads),
        "-b", f"{host}:{port}", "--access-logfile", "-", "simulator.web:create_app()",
    ]


def cmd_serve(args: argparse.Namespace) -> int:
    """Migrate, optionally seed demo data, and serve (gunicorn, else the Flask server)."""
    app = _app()
    if not args.no_migrate:
        upgrade_database(app)
    if args.demo:
        args.base_url = f"http://{args.host}:{args.port}"
        args.no_migrate = True
        if cmd_demo(args) != 0:
            print("Demo data not seeded; serving anyway.", file=sys.stderr)
    command = None if args.dev_server else serve_command(
        args.host, args.port, args.workers, args.threads
    )
    print(f"Serving on http://{args.host}:{args.port}  (Ctrl+C to stop)", flush=True)
    if command is not None:
        os.execv(command[0], command)  # replaces this process; never returns
    app.run(host=args.host, port=args.port, debug=False, threaded=True)
    return 0


def register(sub: Any) -> None:
    """Add serve, users, db and demo to the ``simulator`` argument parser."""
    serve = sub.add_parser("serve", help="run the web app (gunicorn if installed)")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    serve.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    serve.add_argument("--no-migrate", action="store_true", help="skip `db upgrade`")
    serve.add_argument("--demo", action="store_true", help="seed demo data first")
    serve.add_argument("--dev-server", action="store_true", help="use Flask's server")
    serve.set_defaults(func=cmd_serve)

    users = sub.add_parser("users", help="manage user accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    create = users_sub.add_parser("create", help="create a user")
    create.add_argument("--name", required=True)
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True,
                        choices=("admin", "interviewer", "trainee", "candidate"))
    create.add_argument("--password", help="initial password (default: generate one)")
    create.set_defaults(func=cmd_users_create)
    reset = users_sub.add_parser("reset-password", help="set a new password")
    reset.add_argument("email")
    reset.add_argument("--password", help="new password (default: generate one)")
    reset.set_defaults(func=cmd_users_reset)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)

    demo = sub.add_parser("demo", help="seed demo accounts and an invitation (local only)")
    demo.add_argument("--base-url", default=f"http://{DEFAULT_HOST}:{DEFAULT_PORT}")
    demo.add_argument("--no-migrate", action="store_true")
    demo.set_defaults(func=cmd_demo)


def gunicorn_available() -> bool:
    """Return True when a gunicorn executable or module is available."""
    return importlib.util.find_spec("gunicorn") is not None or bool(shutil.which("gunicorn"))
