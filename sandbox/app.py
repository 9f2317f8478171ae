"""The gateway-port application: gateway, billing API, control API and the OpenAPI document on one origin."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp

from sandbox import billing_api, control, gateway, openapi, three_d_secure, three_d_secure_control, webhook_control
from sandbox.context import SandboxContext
from sandbox.control_access import ControlAccess
from sandbox.faults import expose_transport
from sandbox.request_guard import RequestGuard


def build_sandbox_app(context: SandboxContext, control_token: str, control_hosts: frozenset[str] | None) -> ASGIApp:
    """control_hosts: the Host values the control API accepts (None: any, for a sandbox serving remote callers)."""
    app = Starlette(
        routes=[
            *gateway.routes,
            *three_d_secure.routes,
            *billing_api.routes,
            *control.routes,
            *webhook_control.routes,
            *three_d_secure_control.routes,
            *openapi.routes,
        ],
        middleware=[
            Middleware(RequestGuard),
            Middleware(ControlAccess, token=control_token, hosts=control_hosts),
        ],
    )
    app.state.sandbox = context
    return expose_transport(app)
