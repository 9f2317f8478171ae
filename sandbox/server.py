"""Running the sandbox and the reference merchant on loopback: uvicorn in a thread, free ports, clean stop."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
import time
from pathlib import Path
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

from sandbox.app import build_sandbox_app
from sandbox.clock import SandboxClock
from sandbox.context import SandboxContext
from sandbox.control_access import new_control_token, served_hosts
from sandbox.demo import DemoAccount, seed_demo
from sandbox.merchant import build_merchant_app
from sandbox.request_deadline import DEFAULT_REQUEST_TIMEOUT_SECONDS, deadline_protocol
from sandbox.request_guard import RequestGuard
from sandbox.state import SandboxState, StateError

STARTUP_TIMEOUT_SECONDS = 15.0
SHUTDOWN_TIMEOUT_SECONDS = 10.0


class ServerStartError(RuntimeError):
    """A server could not start; the message says what to change."""


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one), or a ServerStartError naming the fix."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, not socket.create_server's 0: asyncio sets TCP_NODELAY on accepted connections
    # only when the proto says TCP, and without it every answer waits 40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen()
        return sock
    except OSError as error:
        sock.close()
        raise ServerStartError(
            f"cannot listen on {host}:{port} ({error.strerror or error}); "
            "choose another host or port (0 picks a free port)."
        ) from error


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refuse_remote(host: str, allow_remote: bool) -> None:
    """A ServerStartError for a non-loopback address unless the caller accepted that risk."""
    if not allow_remote and not is_loopback(host):
        raise ServerStartError(
            f"refusing to listen on {host}: the control API has no user accounts and anyone who can reach "
            "the port and learns the control token can change the sandbox; listen on 127.0.0.1, or pass "
            "--allow-remote (allow_remote=True) to accept that risk."
        )


def guarded_merchant_app(api_base: str, gateway_base: str, demo: DemoAccount | None = None) -> ASGIApp:
    """The reference merchant behind the same guard as the sandbox: no traceback, no unchosen 500."""
    app = build_merchant_app(api_base=api_base, gateway_base=gateway_base, demo=demo)
    app.add_middleware(RequestGuard)
    return app


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _ServingThread:
    """uvicorn servers sharing one event loop in a daemon thread."""

    def __init__(
        self, apps: list[tuple[ASGIApp, socket.socket]], request_timeout: float = DEFAULT_REQUEST_TIMEOUT_SECONDS
    ) -> None:
        self._pairs = [
            (
                uvicorn.Server(
                    uvicorn.Config(
                        app,
                        log_config=None,
                        log_level="warning",
                        access_log=False,
                        http=deadline_protocol(request_timeout),
                        ws="none",
                        lifespan="off",
                        timeout_graceful_shutdown=2,
                    )
                ),
                sock,
            )
            for app, sock in apps
        ]
        self._thread = threading.Thread(target=self._run, name="sandbox-uvicorn", daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # reported by start() or stop()
            self._error = error

    async def _serve(self) -> None:
        await asyncio.gather(*(server.serve(sockets=[sock]) for server, sock in self._pairs))

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not all(server.started for server, _ in self._pairs):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerStartError(f"the sandbox servers did not start ({self._error or 'timed out'}).")
            time.sleep(0.01)

    def stop(self) -> None:
        for server, _ in self._pairs:
            server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(SHUTDOWN_TIMEOUT_SECONDS)
        for _, sock in self._pairs:
            sock.close()


class SandboxServer:
    """The gateway + billing API + control API on one port and the reference merchant on another;
    with a demo account, its shop and user are seeded and the merchant's `/` offers demo checkouts."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        merchant_port: int = 0,
        state: str | Path | None = None,
        demo: DemoAccount | None = None,
        *,
        control_token: str | None = None,
        control_hosts: tuple[str, ...] = (),
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT_SECONDS,
        allow_remote: bool = False,
    ) -> None:
        """control_token: what the control API's X-RP-Sandbox-Control header must carry (default: a fresh
        random one, read it from `control_token`); control_hosts: more Host values the control API accepts;
        request_timeout: seconds a request may take to arrive; allow_remote: listen on a non-loopback host."""
        self.host, self.port, self.merchant_port, self.state_path = host, port, merchant_port, state
        self.demo = demo
        self.control_token = control_token or new_control_token()
        self.control_hosts, self.request_timeout, self.allow_remote = control_hosts, request_timeout, allow_remote
        self.gateway_url = ""
        self.merchant_url = ""
        self.context: SandboxContext | None = None
        self._serving: _ServingThread | None = None

    def start(self) -> SandboxServer:
        refuse_remote(self.host, self.allow_remote)
        gateway_socket = listen(self.host, self.port)
        try:
            merchant_socket = listen(self.host, self.merchant_port)
        except ServerStartError:
            gateway_socket.close()
            raise
        self.gateway_url, self.merchant_url = url_of(gateway_socket), url_of(merchant_socket)
        try:
            state = SandboxState(self.state_path)
        except StateError as error:
            gateway_socket.close()
            merchant_socket.close()
            raise ServerStartError(str(error)) from error
        self.context = SandboxContext(
            state, clock=SandboxClock(state), default_origins=[self.merchant_url], demo=self.demo
        )
        if self.demo is not None:
            seed_demo(state, self.demo, self.merchant_url)
        # Served to remote callers, the Host is whatever name they use: the token alone guards the control API.
        hosts = (
            served_hosts(self.host, gateway_socket.getsockname()[1], self.control_hosts)
            if is_loopback(self.host)
            else None
        )
        self._serving = _ServingThread(
            [
                (build_sandbox_app(self.context, self.control_token, hosts), gateway_socket),
                (guarded_merchant_app(self.gateway_url, self.gateway_url, self.demo), merchant_socket),
            ],
            self.request_timeout,
        )
        self._serving.start()
        return self

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.stop()
            self._serving = None
        if self.context is not None:
            self.context.state.close()
            self.context = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


class MerchantServer:
    """The reference merchant alone, registering cards with any billing API, using any gateway's scripts."""

    def __init__(
        self,
        api_base: str,
        gateway_base: str,
        host: str = "127.0.0.1",
        port: int = 0,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT_SECONDS,
    ) -> None:
        self.api_base, self.gateway_base, self.host, self.port = api_base, gateway_base, host, port
        self.request_timeout = request_timeout
        self.url = ""
        self._serving: _ServingThread | None = None

    def start(self) -> MerchantServer:
        sock = listen(self.host, self.port)
        self.url = url_of(sock)
        self._serving = _ServingThread(
            [(guarded_merchant_app(self.api_base, self.gateway_base), sock)], self.request_timeout
        )
        self._serving.start()
        return self

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.stop()
            self._serving = None

    def __enter__(self) -> MerchantServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
