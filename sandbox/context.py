"""What every sandbox route shares: the state, the clock, the rate limiter and the default origins."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from sandbox.clock import SandboxClock
from sandbox.demo import DemoAccount, seed_demo
from sandbox.rate_limit import RateLimiter
from sandbox.state import SandboxState


@dataclass
class SandboxContext:
    state: SandboxState
    clock: SandboxClock = field(default_factory=SandboxClock)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    # Origins a shop made by POST /_sandbox/accounts allows when the body names none:
    # the reference merchant's, once the server knows its port.
    default_origins: list[str] = field(default_factory=list)
    # The demo shop `python -m sandbox` seeded, shown on the gateway's `/` (None: not seeded).
    demo: DemoAccount | None = None

    def reset(self) -> None:
        self.state.reset()
        self.clock.reset()
        self.limiter.forget()
        if self.demo is not None and self.default_origins:
            seed_demo(self.state, self.demo, self.default_origins[0])


def context_of(request: Request) -> SandboxContext:
    return request.app.state.sandbox
