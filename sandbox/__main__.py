"""`python -m sandbox`: serve the sandbox and the reference merchant until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from sandbox.demo import DEMO_ACCESS_KEY, DEMO_AID, DEMO_USER_ID, DemoAccount
from sandbox.request_deadline import DEFAULT_REQUEST_TIMEOUT_SECONDS
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
    demo = command.add_argument_group("demo shop (seeded unless --no-demo)")
    demo.add_argument("--no-demo", action="store_true", help="start empty: no demo shop, no demo checkouts")
    demo.add_argument("--demo-aid", default=DEMO_AID, help=f"the demo shop's aid (default {DEMO_AID})")
    demo.add_argument("--demo-user-id", default=DEMO_USER_ID, help=f"its API user (default {DEMO_USER_ID})")
    demo.add_argument("--demo-access-key", default=DEMO_ACCESS_KEY, help="its access key (default: documented)")
    demo.add_argument(
        "--demo-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="an origin of your own shop the demo shop accepts, e.g. http://localhost:3000 (repeatable)",
    )
    command.add_argument(
        "--allow-remote",
        action="store_true",
        help="accept a --host other than loopback although the control API then answers anyone with the token",
    )
    command.add_argument(
        "--request-timeout",
        type=seconds,
        default=DEFAULT_REQUEST_TIMEOUT_SECONDS,
        help="seconds a request's headers and body may take to arrive (default 30)",
    )
    return command


def demo_account(args: argparse.Namespace) -> DemoAccount | None:
    if args.no_demo:
        return None
    return DemoAccount(
        args.demo_aid, args.demo_user_id, args.demo_access_key, tuple(o.rstrip("/") for o in args.demo_origin)
    )


def demo_lines(server: SandboxServer, demo: DemoAccount) -> list[str]:
    """What a developer pastes into a local shop; `name: value` lines after the address and control-token lines."""
    return [
        f"demo checkouts: {server.merchant_url}/",
        f"demo aid: {demo.aid}",
        f"demo user_id: {demo.user_id}",
        f"demo access_key: {demo.access_key}",
        f"demo billing API: {server.gateway_url}/api/v1.0/",
        f"demo scripts: {server.gateway_url}/gateway/js/jquery.js {server.gateway_url}/gateway/js/CPToken.js",
        f"demo test card: 4444333322221111 (the sandbox: {server.gateway_url}/)",
    ]


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds; give one from 0.1 to 3600")
    return value


def main(argv: list[str] | None = None) -> int:
    command = parser()
    args = command.parse_args(argv)
    demo = demo_account(args)
    problem = demo.problem() if demo is not None else None
    if problem:
        command.error(problem)
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    try:
        server = SandboxServer(
            args.host,
            args.port,
            args.merchant_port,
            args.state,
            demo=demo,
            allow_remote=args.allow_remote,
            request_timeout=args.request_timeout,
        ).start()
    except ServerStartError as error:
        print(f"python -m sandbox: {error}", file=sys.stderr)
        return 2
    try:
        print(f"gateway: {server.gateway_url}", flush=True)
        print(f"merchant: {server.merchant_url}", flush=True)
        print(f"control-token: {server.control_token}", flush=True)
        if args.allow_remote:
            print(
                f"python -m sandbox: listening on {args.host} for remote callers; anyone who reaches the port "
                "with the control token can change or wipe the sandbox.",
                file=sys.stderr,
                flush=True,
            )
        for line in demo_lines(server, demo) if demo is not None else []:
            print(line, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
