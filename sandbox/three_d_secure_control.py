"""Control API for 3-D Secure: choose the flow of a shop's next authentications (/_sandbox/three-d-secure/)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.context import context_of
from sandbox.control import MAX_COUNT, ControlError, Fields, control_body, known_aid, known_user
from sandbox.state import StateError
from sandbox.three_d_secure import FLOW_ENDPOINT, FLOWS


async def next_flow(request: Request) -> Response:
    """POST /_sandbox/three-d-secure/next {flow, count?, aid | user_id}: the shop's next authentications' flow."""
    context = context_of(request)
    try:
        fields = Fields(await control_body(request), ("flow", "count", "aid", "user_id"))
        flow = fields.text("flow", f"one of {', '.join(FLOWS)}", lambda value: value in FLOWS, required=True)
        count = int(fields.number("count", 1, MAX_COUNT, integer=True) or 1)
        user_id, aid = known_user(context, fields), known_aid(context, fields)
        if user_id is not None:
            aid = aid or context.state.user(user_id)["aid"]
        if aid is None:
            raise ControlError("name the shop: give 'aid' (6 digits) or the 'user_id' of its API user.")
        context.state.add_prime(FLOW_ENDPOINT, flow or "", count, None, aid)
    except (ControlError, StateError) as error:
        return JSONResponse({"error": str(error)}, status_code=400)
    return JSONResponse({"flow": flow, "count": count, "aid": aid})


routes = [Route("/_sandbox/three-d-secure/next", next_flow, methods=["POST"])]
