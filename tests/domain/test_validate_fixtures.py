"""Every broken fixture fails validation with a message naming its file, line and problem.

Each fixture declares what is wrong with it in a header comment (``# expect: <text>``),
marks the offending line with ``# <- problem`` (line 1 when unmarked) and may say how
many errors it causes (``# expect-errors: N``, default 1).
"""

from __future__ import annotations

import importlib
import io
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from simulator.domain.validate import errors_only, validate_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BROKEN = FIXTURES / "broken"
MARKER = "# <- problem"


@dataclass(frozen=True)
class Expectation:
    file: Path
    line: int
    text: str
    errors: int


def expectation(fixture: Path) -> Expectation:
    """Read the fixture's declared problem."""
    files = sorted(fixture.rglob("*.yaml")) if fixture.is_dir() else [fixture]
    for path in files:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        heads = [ln for ln in lines[:3] if ln.startswith("# expect")]
        text = next((h.split(":", 1)[1].strip() for h in heads
                     if h.startswith("# expect:")), None)
        if text is None:
            continue
        count = next((int(h.split(":", 1)[1]) for h in heads
                      if h.startswith("# expect-errors:")), 1)
        line = next((i for i, ln in enumerate(lines, 1) if MARKER in ln), 1)
        return Expectation(path, line, text, count)
    raise AssertionError(f"{fixture} declares no `# expect:` header")


def run_validate(target: Path) -> tuple[int, str]:
    """Run `simulator validate <target>`; fall back to validate_paths without the CLI."""
    try:
        cli = importlib.import_module("simulator.cli")
    except ImportError:
        cli = None
    if cli is not None and hasattr(cli, "main"):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = cli.main(["validate", str(target)])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        return int(code or 0), out.getvalue() + err.getvalue()
    problems = validate_paths([target])
    code = 1 if errors_only(problems) else 0
    return code, "\n".join(str(p) for p in problems)


BROKEN_FIXTURES = sorted(p for p in BROKEN.iterdir() if p.suffix == ".yaml" or p.is_dir())


def test_there_are_enough_broken_fixtures() -> None:
    assert len(BROKEN_FIXTURES) >= 25


@pytest.mark.parametrize("fixture", BROKEN_FIXTURES, ids=lambda p: p.stem)
def test_broken_fixture_fails_with_located_message(fixture: Path) -> None:
    expect = expectation(fixture)
    code, output = run_validate(fixture)
    assert code == 1, output
    located = f"{expect.file}:{expect.line}:"
    hits = [ln for ln in output.splitlines() if located in ln and expect.text in ln]
    assert hits, f"no line names {located} and {expect.text!r} in:\n{output}"


@pytest.mark.parametrize("fixture", BROKEN_FIXTURES, ids=lambda p: p.stem)
def test_broken_fixture_has_exactly_its_errors(fixture: Path) -> None:
    expect = expectation(fixture)
    errors = errors_only(validate_paths([fixture]))
    assert len(errors) == expect.errors, "\n".join(map(str, errors))
    assert any(e.line == expect.line and expect.text in e.message for e in errors)
    for error in errors:
        assert error.fix, f"no fix offered for: {error}"
