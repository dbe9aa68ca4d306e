#!/usr/bin/env python3
"""Developer entry point (standard library only; needs Python 3.11+).

    python3 dev.py serve          # venv + install + migrate + demo data + serve :5000
    python3 dev.py test [ARGS]    # venv + install + pytest ARGS (exit code = pytest's)

The virtual environment lives in .venv; ``pip install -e .[dev]`` runs only when
pyproject.toml changed since the last install (its hash is kept in .venv/.installed).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
HOST, PORT = "127.0.0.1", 5000
NO_TESTS_COLLECTED = 5


def log(message: str) -> None:
    """Print a progress line."""
    print(f"[dev] {message}", flush=True)


def run(args: list[str], **kwargs: object) -> int:
    """Run a command from the repository root; return its exit code."""
    return subprocess.call([str(a) for a in args], cwd=ROOT, **kwargs)  # type: ignore[arg-type]


def wanted_stamp() -> str:
    """Return the hash of what the install depends on (pyproject + interpreter)."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_venv() -> None:
    """Create .venv if missing and install the project when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        major, minor = sys.version_info[:2]
        sys.exit(f"Python 3.11 or newer is needed (this is {major}.{minor}).")
    if not PYTHON.exists():
        log("creating .venv")
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    stamp = wanted_stamp()
    if STAMP.exists() and STAMP.read_text(encoding="utf-8").strip() == stamp:
        return
    log("installing the project and its dev dependencies into .venv")
    code = run([PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q",
                "-e", ".[dev]"])
    if code != 0:
        sys.exit(f"pip install failed (exit {code})")
    STAMP.write_text(stamp + "\n", encoding="utf-8")


def serve(extra: list[str]) -> int:
    """Migrate, seed demo data (embedded database only) and serve on 127.0.0.1:5000."""
    ensure_venv()
    if run([PYTHON, "-m", "simulator", "db", "upgrade"]) != 0:
        return 1
    if os.environ.get("DATABASE_URL"):
        log("DATABASE_URL is set: demo data is not seeded")
    elif run([PYTHON, "-m", "simulator", "demo", "--no-migrate",
              "--base-url", f"http://{HOST}:{PORT}"]) != 0:
        log("demo data not seeded; serving anyway")
    gunicorn = BIN / "gunicorn"
    log(f"serving on http://{HOST}:{PORT}  (Ctrl+C to stop)")
    if gunicorn.exists() and os.name != "nt":
        args = [str(gunicorn), "-w", "2", "--threads", "4", "-b", f"{HOST}:{PORT}",
                *extra, "simulator.web:create_app()"]
    else:
        args = [str(PYTHON), "-m", "flask", "--app", "simulator.web:create_app", "run",
                "--host", HOST, "--port", str(PORT), *extra]
    try:
        return run(args)
    except KeyboardInterrupt:
        return 0


def test(extra: list[str]) -> int:
    """Run pytest in the venv; 'no tests collected' (5) counts as a failure."""
    ensure_venv()
    code = run([PYTHON, "-m", "pytest", *extra])
    if code == NO_TESTS_COLLECTED:
        log("pytest collected no tests")
        return 1
    return code


def main(argv: list[str]) -> int:
    """Dispatch ``serve`` or ``test``."""
    if not argv or argv[0] not in ("serve", "test"):
        print(__doc__)
        return 2
    command, extra = argv[0], argv[1:]
    return serve(extra) if command == "serve" else test(extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
