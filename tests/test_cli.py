"""The ``simulator`` command line: validate, play, test, graph and the web hook."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
import yaml

from simulator import cli

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "engine"
SCENARIO_FILE = FIXTURES / "scenarios" / "mini-dns.yaml"


@pytest.fixture(autouse=True)
def content(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SIMULATOR_CONTENT_DIR", str(FIXTURES))
    return FIXTURES


@pytest.fixture
def library_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(FIXTURES / "scenarios", root / "scenarios")
    shutil.copytree(FIXTURES / "rubrics", root / "rubrics")
    monkeypatch.setenv("SIMULATOR_CONTENT_DIR", str(root))
    return root


def expert_inputs() -> list[object]:
    data = yaml.safe_load(SCENARIO_FILE.read_text(encoding="utf-8"))
    return data["playthroughs"][0]["inputs"]


def test_validate_clean_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate"]) == 0
    assert "0 error(s)" in capsys.readouterr().err


def test_validate_reports_located_problems(
    library_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = library_copy / "scenarios" / "mini-dns.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("start: greet", "start: nowhere"),
                    encoding="utf-8")
    assert cli.main(["validate", str(library_copy / "scenarios")]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out and all(line.count(":") >= 4 for line in out)
    assert any(line.startswith(str(path)) and ": start: " in line for line in out)


def test_play_answers_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(expert_inputs()), encoding="utf-8")
    assert cli.main(["play", "mini-dns", "--answers", str(answers), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"transcript", "score"}
    assert payload["transcript"][0]["type"] == "step"
    score = payload["score"]
    assert score["total"] == 100.0 and score["passed"] is True and score["flags"] == []
    assert set(score["competencies"]) == {"troubleshooting", "customer-communication",
                                          "documentation", "ticket-triage"}
    first = score["criteria"][0]
    assert {"id", "competency", "level", "points", "max", "evidence", "needs_review"} <= set(
        first)
    indices = {e["index"] for e in payload["transcript"]}
    assert set(first["evidence"]) <= indices


def test_play_answers_text_and_file_path(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"inputs": ["What's your password?", {"hint": "scope"}]}),
                       encoding="utf-8")
    assert cli.main(["play", str(SCENARIO_FILE), "--answers", str(answers)]) == 0
    out = capsys.readouterr().out
    assert "> What's your password?" in out and "(hint)" in out
    assert "FLAG asked-for-password" in out and "hint penalty 5" in out


@pytest.mark.parametrize("bad", ["not a list", "{a: 1}"])
def test_play_rejects_bad_answers_file(tmp_path: Path, bad: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "bad.yaml"
    answers.write_text(bad, encoding="utf-8")
    assert cli.main(["play", "mini-dns", "--answers", str(answers)]) == 1
    assert "expected a list of inputs" in capsys.readouterr().err


def test_play_interactive(monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    lines = "\n".join(["What happens?", ":hint", "remote session", "ipconfig /all", "exit",
                       "The DNS server was wrong, nslookup said request timed out.", "t9",
                       "t2, t1, t3", "impact=medium priority=p3", ""])
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    assert cli.main(["play", "mini-dns"]) == 0
    out = capsys.readouterr().out
    assert "== Take the call ==" in out and "(hint) Ask what exactly fails" in out
    assert "! Put every queue item in order" in out
    assert "Result: resolved" in out and "Score:" in out


def test_play_interactive_quit(monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("hello\n:quit\n"))
    assert cli.main(["play", "mini-dns"]) == 0
    assert "Result: left" in capsys.readouterr().out


def test_test_command_passes_on_fixtures(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["test"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["scenario", "playthrough", "total", "band", "flags",
                                           "result", "status"]
    assert out.count(" ok") == 5 and "FAIL" not in out


def test_test_command_fails_on_a_wrong_band(library_copy: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = library_copy / "scenarios" / "mini-dns.yaml"
    text = path.read_text(encoding="utf-8").replace("band: [85, 100]", "band: [0, 10]")
    path.write_text(text, encoding="utf-8")
    assert cli.main(["test", "mini-dns"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "mini-dns/expert: total 100 is outside the band [0, 10]" in out


def test_test_command_reports_broken_files(library_copy: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (library_copy / "scenarios" / "broken.yaml").write_text("kind: [", encoding="utf-8")
    assert cli.main(["test"]) == 1
    assert "scenarios/broken.yaml: does not load" in capsys.readouterr().out


@pytest.mark.parametrize(("fmt", "fragments"), [
    ("mermaid", ["flowchart TD", 's_greet -->|"remote"| s_diagnose',
                 's_greet -.->|"mood <= -3"| s_manager', 's_done(["Call closed (end)"])']),
    ("dot", ['digraph "mini-dns"', '"greet" -> "diagnose" [label="remote"];',
             "shape=doubleoctagon"]),
])
def test_graph(fmt: str, fragments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["graph", "mini-dns", "--format", fmt]) == 0
    out = capsys.readouterr().out
    for fragment in fragments:
        assert fragment in out


@pytest.mark.parametrize("argv", [["play", "no-such-scenario"], ["graph", "nope"],
                                  ["test", "nope"]])
def test_unknown_scenario_is_a_clear_error(argv: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "unknown scenario" in err and "mini-dns" in err


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "validate" in capsys.readouterr().out


def test_web_commands_register_through_the_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def register(sub: object) -> None:
        parser = sub.add_parser("fake-web-command")  # type: ignore[attr-defined]
        parser.set_defaults(func=lambda args: calls.append("fake") or 7)

    fake = types.ModuleType("simulator.web.cli_commands")
    fake.register = register  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "simulator.web.cli_commands", fake)
    assert cli.main(["fake-web-command"]) == 7 and calls == ["fake"]


def test_subprocess_entry_point() -> None:
    env = {**os.environ, "SIMULATOR_CONTENT_DIR": str(FIXTURES)}
    done = subprocess.run([sys.executable, "-m", "simulator", "test"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "5 checked, 0 failed" in done.stderr
