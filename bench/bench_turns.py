"""Turn submissions per second and latency under gunicorn, against a minimal baseline.

    .venv/bin/python bench/bench_turns.py [--clients 50] [--seconds 15] [--configs 2x4,2x8]

For each gunicorn configuration (workers x threads) it starts, on a fresh SQLite database
in a temporary folder on 127.0.0.1:
1. the real app: N trainees sign in, start a practice attempt each, then POST
   /attempts/<id>/turn with JSON {"type": "answer", "value": ...} and the X-CSRFToken
   header as fast as they can (a finished attempt is replaced by a new one);
2. bench/minimal_app.py: one INSERT + commit per POST, same server settings.
Loops are bounded by time and count, and traffic only goes to loopback.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
HOST = "127.0.0.1"
PASSWORD = "bench password 123"
MAX_REQUESTS_PER_CLIENT = 5000
TEXT = "Hi, sorry about that. What exactly happens and since when? What changed?"


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Client:
    """A keep-alive HTTP client with a cookie jar of one session cookie."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """Send one request; keep cookies; return status, headers, body."""
        hdrs = dict(headers or {})
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=hdrs)
            response = self.conn.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # the server closed an idle keep-alive connection: reconnect once
            self.conn.close()
            self.conn.request(method, path, body=body, headers=hdrs)
            response = self.conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.headers), data

    def form(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """POST a form."""
        return self.request("POST", path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})


def csrf_from(html: bytes) -> str:
    """Return the CSRF token in a page."""
    match = re.search(rb'name="csrf-token" content="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token in page")
    return match.group(1).decode()


def answer_for(view: dict[str, Any]) -> Any:
    """Return a well-formed answer for the current step of a public view."""
    step = view.get("step") if isinstance(view.get("step"), dict) else view
    kind = step.get("kind", "dialogue")
    options = [o.get("id") for o in step.get("options", []) or [] if isinstance(o, dict)]
    if kind == "choice" and options:
        return [options[0]] if step.get("multiple") else options[0]
    if kind == "triage" and options:
        return options
    if kind == "classify":
        fields = step.get("fields", []) or []
        return {f["id"]: (f.get("options") or [{"id": ""}])[0]["id"] for f in fields}
    if kind == "terminal":
        return "ipconfig /all"
    return TEXT


@dataclass
class Stats:
    """Latencies of successful requests and error counts, shared by client threads."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1


def start_server(app: str, workers: int, threads: int, env: dict[str, str]) -> tuple[Any, int]:
    """Start gunicorn on a free port; return the process and port once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads),
         "-b", f"{HOST}:{port}", "--log-level", "warning", app],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"{app} did not start")


def stop(proc: Any) -> None:
    """Stop a server process started here."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def app_env(tmp: Path) -> dict[str, str]:
    """Return the environment for the real app on a fresh SQLite database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FLASK_ENV",
                                                            "SIMULATOR_ENV")}
    env.update({"SIMULATOR_INSTANCE_PATH": str(tmp), "FLASK_SECRET_KEY": "bench-secret",
                "FLASK_RATELIMIT_ENABLED": "false", "PYTHONPATH": str(ROOT)})
    return env


def seed_users(env: dict[str, str], count: int) -> list[str]:
    """Migrate the database and create ``count`` trainees; return their e-mails."""
    code = f"""
from simulator.web import create_app
from simulator.web.cli_commands import upgrade_database
from simulator.services import accounts
app = create_app()
upgrade_database(app)
with app.app_context():
    for i in range({count}):
        accounts.create_user(f"Bench {{i}}", f"bench{{i}}@example.com", "trainee", {PASSWORD!r})
"""
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True)
    return [f"bench{i}@example.com" for i in range(count)]


def scenario_id(env: dict[str, str]) -> str:
    """Return a playable scenario id from the library."""
    code = ("from simulator.catalog import Catalog, default_content_dirs;"
            "print(Catalog.load(*default_content_dirs()).playable()[0])")
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def begin(client: Client, email: str, scenario: str) -> tuple[str, str]:
    """Sign in and start a practice attempt; return (turn path, csrf token)."""
    _, _, page = client.request("GET", "/login")
    status, _, _ = client.form("/login", {"email": email, "password": PASSWORD,
                                          "csrf_token": csrf_from(page)})
    if status != 302:
        raise RuntimeError(f"login failed: {status}")
    return new_attempt(client, scenario)


def new_attempt(client: Client, scenario: str) -> tuple[str, str]:
    """Start a practice attempt; return (turn path, csrf token)."""
    _, _, page = client.request("GET", "/practice/")
    token = csrf_from(page)
    status, headers, body = client.form(f"/practice/start/{scenario}", {"csrf_token": token})
    location = headers.get("Location", "")
    match = re.search(r"/attempts/(\d+)", location)
    if status != 302 or not match:
        raise RuntimeError(f"start failed: {status} {location} {body[-400:]!r}")
    return f"/attempts/{match.group(1)}/turn", token


def turn_client(port: int, email: str, scenario: str, holder: dict[str, float], stats: Stats,
                ready: threading.Barrier) -> None:
    """One simulated candidate submitting turns until the deadline."""
    rng = random.Random(email)
    client = Client(port)
    path, token = begin(client, email, scenario)
    view: dict[str, Any] = {}
    ready.wait()
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        pause(rng, holder)
        if time.monotonic() >= holder["until"]:
            break
        body = json.dumps({"type": "answer", "value": answer_for(view)}).encode()
        started = time.perf_counter()
        status, _, data = client.request("POST", path, body, {
            "Content-Type": "application/json", "Accept": "application/json",
            "X-CSRFToken": token})
        elapsed = time.perf_counter() - started
        if status != 200:
            stats.error(str(status))
            view = {}
            if status in (409, 422):
                path, token = new_attempt(client, scenario)
            continue
        stats.add(elapsed)
        reply = json.loads(data)
        view = reply.get("view") or {}
        if reply.get("ended"):
            path, token = new_attempt(client, scenario)
            view = {}


def pause(rng: random.Random, holder: dict[str, float]) -> None:
    """Wait a random think time around holder["think"] seconds (0 = none)."""
    think = holder.get("think", 0.0)
    if think > 0:
        time.sleep(rng.uniform(0.5 * think, 1.5 * think))


def minimal_client(port: int, holder: dict[str, float], stats: Stats,
                   ready: threading.Barrier) -> None:
    """One client hammering the minimal INSERT endpoint until the deadline."""
    rng = random.Random(id(stats) ^ threading.get_ident())
    client = Client(port)
    ready.wait()
    body = json.dumps({"type": "answer", "value": TEXT}).encode()
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        pause(rng, holder)
        if time.monotonic() >= holder["until"]:
            break
        started = time.perf_counter()
        status, _, _ = client.request("POST", "/insert", body,
                                      {"Content-Type": "application/json"})
        if status == 200:
            stats.add(time.perf_counter() - started)
        else:
            stats.error(str(status))


def drive(targets: list[Any], seconds: float, think: float) -> tuple[Stats, float]:
    """Run the client threads; return stats and the measured wall time."""
    stats = Stats()
    ready = threading.Barrier(len(targets) + 1)
    holder: dict[str, float] = {"until": float("inf"), "think": think}
    threads = []
    for target in targets:
        thread = threading.Thread(target=target, args=(holder, stats, ready), daemon=True)
        thread.start()
        threads.append(thread)
    ready.wait()
    started = time.monotonic()
    holder["until"] = started + seconds
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return stats, time.monotonic() - started


def summary(name: str, stats: Stats, wall: float) -> dict[str, Any]:
    """Return throughput and latency figures."""
    lat = sorted(stats.latencies)
    pct = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000) if lat else (
        lambda q: float("nan"))
    return {"name": name, "requests": len(lat), "rps": len(lat) / wall if wall else 0.0,
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": statistics.fmean(lat) * 1000 if lat else float("nan"),
            "errors": dict(stats.errors)}


def run_config(workers: int, threads: int, clients: int, seconds: float,
               thinks: list[float]) -> list[dict[str, Any]]:
    """Benchmark the turn endpoint and the minimal endpoint with one configuration."""
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-turns-") as folder:
        tmp = Path(folder)
        env = app_env(tmp)
        emails = seed_users(env, clients)
        scenario = scenario_id(env)
        proc, port = start_server("simulator.web:create_app()", workers, threads, env)
        try:
            for think in thinks:
                targets = [
                    (lambda h, s, r, e=e: turn_client(port, e, scenario, h, s, r))
                    for e in emails
                ]
                stats, wall = drive(targets, seconds, think)
                results.append(summary(f"turn   {workers}x{threads} think {think:g}s",
                                       stats, wall))
        finally:
            stop(proc)
        env_min = dict(env, BENCH_DATABASE_URL=f"sqlite:///{tmp / 'minimal.sqlite3'}")
        proc, port = start_server("bench.minimal_app:create_app()", workers, threads, env_min)
        try:
            for think in thinks:
                targets = [(lambda h, s, r: minimal_client(port, h, s, r))
                           for _ in range(clients)]
                stats, wall = drive(targets, seconds, think)
                results.append(summary(f"insert {workers}x{threads} think {think:g}s",
                                       stats, wall))
        finally:
            stop(proc)
    return results


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run every configuration and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--configs", default="2x4,2x8,4x4",
                        help="comma-separated WORKERSxTHREADS")
    parser.add_argument("--think", default="0,0.5",
                        help="comma-separated think times (s) between a client's requests;"
                        " 0 = saturation")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    for config in args.configs.split(","):
        workers, threads = (int(x) for x in config.lower().split("x"))
        thinks = [float(t) for t in args.think.split(",")]
        rows.extend(run_config(workers, threads, args.clients, min(args.seconds, 120.0),
                               thinks))
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{args.clients} concurrent clients, {args.seconds:.0f} s per run, SQLite (WAL)")
    print(f"{'run':<30}{'req':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}  errors")
    for row in rows:
        print(f"{row['name']:<30}{row['requests']:>7}{row['rps']:>8.1f}{row['p50_ms']:>8.1f}"
              f"{row['p95_ms']:>8.1f}{row['p99_ms']:>8.1f}  {row['errors'] or ''}")
    by_name = {row["name"]: row for row in rows}
    for row in rows:
        if row["name"].startswith("turn"):
            base = by_name.get(row["name"].replace("turn  ", "insert", 1))
            if base and base["rps"]:
                print(f"{row['name']}: {row['rps'] / base['rps']:.2f} x the minimal endpoint")
    return 0


if __name__ == "__main__":
    sys.exit(main())
