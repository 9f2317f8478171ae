"""`python -m sandbox` as a user runs it, and SandboxServer's start and stop."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from sandbox.control_access import CONTROL_HEADER
from sandbox.server import SandboxServer, ServerStartError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
READY_SECONDS = 20


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "sandbox", *args]


@contextmanager
def running(*args: str) -> Iterator[tuple[subprocess.Popen[str], str, str, httpx.Client]]:
    """The sandbox process with its two announced URLs and a client of its control API (the announced
    token in its header); stopped with SIGTERM if still running at the end."""
    process = subprocess.Popen(
        command(*args),
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or []], daemon=True).start()
    try:
        try:
            first, second, third = (lines.get(timeout=READY_SECONDS) for _ in range(3))
        except queue.Empty:
            process.kill()
            pytest.fail(f"python -m sandbox printed no URLs; stderr: {process.communicate()[1]}")
        assert first.startswith("gateway: http://127.0.0.1:") and second.startswith(
            "merchant: http://127.0.0.1:"
        )
        assert third.startswith("control-token: ")
        gateway, token = first.split(": ", 1)[1].strip(), third.split(": ", 1)[1].strip()
        with httpx.Client(base_url=gateway, headers={CONTROL_HEADER: token}, timeout=10) as control:
            yield process, gateway, second.split(": ", 1)[1].strip(), control
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=15)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_it_prints_two_urls_and_the_token_serves_and_stops_cleanly(stop_signal: signal.Signals) -> None:
    with running("--host", "127.0.0.1", "--port", "0", "--merchant-port", "0") as (
        process,
        gateway,
        merchant,
        control,
    ):
        assert control.post("/_sandbox/accounts", json={}).status_code == 200
        assert httpx.get(f"{gateway}/_sandbox/health", timeout=10).json() == {"ok": True}
        assert httpx.post(f"{merchant}/_merchant/checkouts", json={}, timeout=10).status_code == 400
        process.send_signal(stop_signal)
        assert process.wait(timeout=15) == 0
        assert "Traceback" not in (process.stderr.read() if process.stderr else "")


def test_a_state_file_keeps_an_account_across_a_restart(tmp_path: Path) -> None:
    state = str(tmp_path / "sandbox.sqlite")
    with running("--state", state) as (_, gateway, _merchant, control):
        account = control.post("/_sandbox/accounts", json={}).json()
        control.post("/_sandbox/billings", json={"user_id": account["user_id"], "billing_code": "KEPT"})
    with running("--state", state) as (_, gateway, _merchant, _control):
        answer = httpx.post(
            f"{gateway}/api/v1.0/billing_payment_method/search",
            timeout=10,
            json={"user_id": account["user_id"], "access_key": account["access_key"]},
        )
    assert answer.status_code == 200
    assert [row["billing_code"] for row in answer.json()["billing_payment_method"]] == ["KEPT"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--port", "abc"], "is not a port"),
        (["--merchant-port", "70000"], "is not a port"),
        (["--colour", "blue"], "unrecognized arguments"),
    ],
)
def test_bad_arguments_are_refused_in_one_sentence(args: list[str], says: str) -> None:
    finished = subprocess.run(command(*args), cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30)
    assert finished.returncode == 2
    assert says in finished.stderr and "Traceback" not in finished.stderr


def test_a_port_in_use_is_refused_in_one_sentence() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        finished = subprocess.run(
            command("--port", port), cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30
        )
    assert finished.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in finished.stderr and "Traceback" not in finished.stderr
    assert finished.stderr.strip().count("\n") == 0


def test_a_state_file_in_a_missing_folder_is_refused_in_one_sentence(tmp_path: Path) -> None:
    finished = subprocess.run(
        command("--state", str(tmp_path / "missing" / "state.sqlite")),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert finished.returncode == 2
    assert "--state" in finished.stderr and "Traceback" not in finished.stderr


def test_sandbox_server_frees_its_ports_when_stopped() -> None:
    with SandboxServer() as server:
        port = int(server.gateway_url.rsplit(":", 1)[1])
        assert httpx.get(f"{server.gateway_url}/_sandbox/health").status_code == 200
    with SandboxServer(port=port) as again:
        assert httpx.get(f"{again.gateway_url}/_sandbox/health").status_code == 200


def test_sandbox_server_refuses_a_taken_port() -> None:
    with SandboxServer() as server:
        port = int(server.merchant_url.rsplit(":", 1)[1])
        with pytest.raises(ServerStartError, match="cannot listen"):
            SandboxServer(port=port).start()


def test_a_non_loopback_host_is_refused_without_allow_remote_in_one_sentence() -> None:
    finished = subprocess.run(
        command("--host", "0.0.0.0", "--port", "0"), cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30
    )
    assert finished.returncode == 2
    assert "--allow-remote" in finished.stderr and "Traceback" not in finished.stderr
    assert finished.stderr.strip().count("\n") == 0


def test_a_bad_request_timeout_is_refused_in_one_sentence() -> None:
    finished = subprocess.run(
        command("--request-timeout", "never"), cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30
    )
    assert finished.returncode == 2 and "is not a number of seconds" in finished.stderr
