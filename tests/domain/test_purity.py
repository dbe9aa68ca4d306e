"""The domain core stays pure: stdlib + PyYAML only, no web/ORM, no clock, no randomness.

Every module under ``simulator/domain`` is parsed with ``ast`` (never imported) and its
imports and attribute accesses are checked. The single sanctioned exception is an
*optional* dev dependency imported inside ``try: ... except ImportError`` (jsonschema,
used by the validator only when present).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "simulator" / "domain"
THIRD_PARTY_ALLOWED = frozenset({"yaml"})
OPTIONAL_ALLOWED = frozenset({"jsonschema"})
FORBIDDEN_MODULES = frozenset({
    "flask", "sqlalchemy", "werkzeug", "flask_sqlalchemy", "flask_login", "jinja2",
    "time", "random", "secrets", "requests", "psycopg", "redis", "threading", "asyncio",
    "subprocess", "socket",
})
#: attribute chains that read a clock, randomness or process-wide state
FORBIDDEN_CALLS = frozenset({
    "datetime.now", "datetime.utcnow", "datetime.today", "date.today",
    "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.date.today",
    "time.time", "time.monotonic", "time.perf_counter", "uuid.uuid1", "uuid.uuid4",
    "os.environ", "os.getenv", "os.urandom",
})


def _dotted(node: ast.AST) -> str:
    """Return "a.b.c" for an attribute chain, or ""."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _optional_imports(tree: ast.AST) -> set[int]:
    """Return ids of import nodes guarded by `except ImportError`."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        catches = {_dotted(h.type) for h in node.handlers if h.type is not None}
        if catches & {"ImportError", "ModuleNotFoundError"}:
            guarded.update(id(n) for n in ast.walk(ast.Module(node.body, []))
                           if isinstance(n, ast.Import | ast.ImportFrom))
    return guarded


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative import: inside the package
        return ["simulator.domain"]
    return [node.module or ""]


def _allowed(top: str, guarded: bool) -> bool:
    """Return True for package-internal, allowed third-party or guarded optional imports."""
    return (top == "simulator" or top in THIRD_PARTY_ALLOWED
            or (top in OPTIONAL_ALLOWED and guarded))


def impurities(source: str) -> list[str]:
    """Return every impurity found in one module's source."""
    tree = ast.parse(source)
    optional = _optional_imports(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for name in _imported(node):
                top = name.split(".")[0]
                if name.startswith("simulator.") and not name.startswith("simulator.domain"):
                    found.append(f"line {node.lineno}: imports {name} (outside the domain)")
                elif top in FORBIDDEN_MODULES:
                    found.append(f"line {node.lineno}: imports {name}")
                elif _allowed(top, id(node) in optional):
                    continue
                elif top not in sys.stdlib_module_names:
                    found.append(f"line {node.lineno}: imports non-stdlib {name}")
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if any(dotted == bad or dotted.endswith("." + bad) for bad in FORBIDDEN_CALLS):
                found.append(f"line {node.lineno}: uses {dotted}")
        elif isinstance(node, ast.Call) and _dotted(node.func) in ("__import__",
                                                                   "importlib.import_module"):
            found.append(f"line {node.lineno}: dynamic import")
    return found


MODULES = sorted(DOMAIN.glob("*.py"))


def test_domain_package_has_modules() -> None:
    names = {m.stem for m in MODULES}
    assert {"model", "session", "loader", "validate"} <= names


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.stem)
def test_domain_module_is_pure(module: Path) -> None:
    assert impurities(module.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("source, expected", [
    ("import flask\n", "imports flask"),
    ("from sqlalchemy.orm import Session\n", "imports sqlalchemy.orm"),
    ("from werkzeug import Request\n", "imports werkzeug"),
    ("import time\n", "imports time"),
    ("import random\n", "imports random"),
    ("from datetime import datetime\nx = datetime.now()\n", "uses datetime.now"),
    ("import datetime\nx = datetime.datetime.utcnow()\n", "uses datetime.datetime.utcnow"),
    ("import os\nx = os.environ['X']\n", "uses os.environ"),
    ("import numpy\n", "imports non-stdlib numpy"),
    ("import jsonschema\n", "imports non-stdlib jsonschema"),
    ("from simulator.store import db\n", "outside the domain"),
    ("m = __import__('flask')\n", "dynamic import"),
])
def test_checker_catches_impurities(source: str, expected: str) -> None:
    assert any(expected in found for found in impurities(source))


@pytest.mark.parametrize("source", [
    "import re\nimport yaml\nfrom simulator.domain.model import Step\nfrom . import model\n",
    "try:\n    import jsonschema\nexcept ImportError:\n    jsonschema = None\n",
    "from datetime import timedelta\nx = timedelta(seconds=3)\n",
])
def test_checker_accepts_pure_code(source: str) -> None:
    assert impurities(source) == []
