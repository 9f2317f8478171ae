"""The gateway-port application: gateway, billing API, control API and the OpenAPI document on one origin."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import ASGIApp

from sandbox import billing_api, control, gateway, openapi
from sandbox.context import SandboxContext
from sandbox.faults import expose_transport


def build_sandbox_app(context: SandboxContext) -> ASGIApp:
    app = Starlette(routes=[*gateway.routes, *billing_api.routes, *control.routes, *openapi.routes])
    app.state.sandbox = context
    return expose_transport(app)
