"""`python -m sandbox`: serve the sandbox and the reference merchant until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from sandbox.server import SandboxServer, ServerStartError


def port_number(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a port; give a number from 0 to 65535 (0 picks a free one)"
        )
    return int(text)


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="Serve the ROBOT PAYMENT sandbox (gateway, billing and control API) and the merchant.",
    )
    command.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    command.add_argument("--port", type=port_number, default=0, help="gateway and API port (0: a free one)")
    command.add_argument(
        "--merchant-port", type=port_number, default=0, help="reference merchant port (0: a free one)"
    )
    command.add_argument(
        "--state", type=Path, default=None, help="SQLite file that keeps the state (default: memory)"
    )
    return command


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    try:
        server = SandboxServer(args.host, args.port, args.merchant_port, args.state).start()
    except ServerStartError as error:
        print(f"python -m sandbox: {error}", file=sys.stderr)
        return 2
    try:
        print(f"gateway: {server.gateway_url}", flush=True)
        print(f"merchant: {server.merchant_url}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
