"""The OpenAPI 3.1 document of the billing API as the sandbox emulates it, codes taken from the catalogue."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import catalogue

SHARED_FAMILIES = ("common", "transport")
STATUS_TEXT = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    413: "Content Too Large",
    429: "Too Many Requests",
    503: "Service Unavailable",
}

CODE_PATTERN = "^[!-~]{1,20}$"
AUTH = {
    "user_id": {
        "type": "string",
        "maxLength": 100,
        "format": "email",
        "description": "ログインID (メール形式). A wrong one answers code 11.",
    },
    "access_key": {
        "type": "string",
        "maxLength": 100,
        "pattern": "^[A-Za-z0-9]+$",
        "description": "アクセスキー (半角英数). A wrong one answers code 12.",
    },
}
NUMBER = {
    "oneOf": [
        # A JSON number without a fraction, 1771372.0 included (JSON Schema calls it an integer too).
        {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999},
        {"type": "string", "pattern": "^[0-9]{1,18}$"},
    ]
}
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {
                            "oneOf": [{"type": "integer"}, {"type": "string"}],
                            "description": "integer: common and individual codes; string: payment codes",
                        },
                        "message": {"type": "string"},
                    },
                },
            ]
        }
    },
}
PAYMENT_ROW = {
    "type": "object",
    "description": "the row of search.md; fields of other payment methods (bank, bank check) are null",
    "properties": {
        name: {"type": kind}
        for name, kind in (
            ("error_code", ["integer", "null"]),
            ("error_message", ["string", "null"]),
            ("billing_code", "string"),
            ("billing_name", ["string", "null"]),
            ("number", "integer"),
            ("code", "string"),
            ("name", "string"),
            ("payment_method", "integer"),
            ("register_status", "integer"),
            ("cod", ["string", "null"]),
            ("regist_date", ["string", "null"]),
            ("update_date", ["string", "null"]),
            ("valid_flg", "integer"),
            ("bank_save", ["array", "null"]),
        )
    },
}
DATE = {"type": "string", "pattern": "^[0-9]{4}/[0-9]{2}/[0-9]{2}$"}
REQUESTS: dict[str, dict[str, Any]] = {
    "credit_card_token": {
        "type": "object",
        "required": ["user_id", "access_key", "billing_code", "token"],
        # Exactly one of the number and the code: neither answers 3402, both 3404.
        "oneOf": [
            {"required": ["billing_payment_method_number"]},
            {"required": ["billing_payment_method_code"]},
        ],
        "properties": {
            **AUTH,
            "billing_code": {"type": "string", "pattern": CODE_PATTERN, "description": "請求先コード (3401)"},
            "billing_payment_method_number": {
                **NUMBER,
                "description": "決済情報番号 (3402); not with the code (3404)",
            },
            "billing_payment_method_code": {
                "type": "string",
                "pattern": CODE_PATTERN,
                "description": "決済情報コード (3403); not with the number (3404)",
            },
            "token": {
                "type": "string",
                "pattern": "^[A-Za-z0-9+/]+={0,2}$",
                "maxLength": 100,
                "description": "トークン (3405 malformed, ER584 unknown or used, ER585 expired)",
            },
            "cn": {"description": "never send: a card number next to a token answers ER586"},
        },
    },
    "bulk_upsert": {
        "type": "object",
        "required": ["user_id", "access_key", "billing"],
        "properties": {
            **AUTH,
            "billing": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {
                        "code": {"type": "string", "pattern": CODE_PATTERN},
                        "name": {"type": "string", "maxLength": 100},
                        "individual": {"type": "array", "items": {"type": "object"}},
                        "payment": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "code": {"type": "string", "pattern": CODE_PATTERN},
                                    "name": {"type": "string", "maxLength": 100},
                                    "payment_method": {"type": "integer", "description": "1 = credit card"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "search": {
        "type": "object",
        "required": ["user_id", "access_key"],
        "properties": {
            **AUTH,
            "limit_count": {"type": ["integer", "string"], "description": "0-200, default 20 (4513)"},
            "page_count": {"type": ["integer", "string"], "description": "0-999, default 0 (4514)"},
            "billing_payment_method": {
                "type": "object",
                "description": "the filters, nested as search.md documents them (4515 when not an object)",
                "properties": {
                    "billing_code": {"type": "string", "pattern": CODE_PATTERN, "description": "4501"},
                    "billing_name": {"type": "string", "maxLength": 100, "description": "部分一致 (4502)"},
                    "number": {**NUMBER, "description": "4503"},
                    "code": {"type": "string", "pattern": CODE_PATTERN, "description": "4504"},
                    "name": {"type": "string", "maxLength": 100, "description": "部分一致 (4505)"},
                    "payment_method": {"type": "integer", "minimum": 0, "maximum": 18, "description": "4506"},
                    "register_status": {"type": "integer", "minimum": 0, "maximum": 7, "description": "4507"},
                    "regist_date_from": DATE,
                    "regist_date_to": DATE,
                    "update_date_from": DATE,
                    "update_date_to": DATE,
                    "valid_flg": {"type": "integer", "minimum": 0, "maximum": 1, "description": "4512"},
                },
            },
        },
    },
}
SUCCESS_BODIES: dict[str, dict[str, Any]] = {
    "credit_card_token": {"$ref": "#/components/schemas/ErrorAnswer"},
    "bulk_upsert": {
        "type": "object",
        "properties": {
            "user_id": {"type": "string"},
            "billing": {"type": "array", "items": {"type": "object", "description": "rows with error_code"}},
        },
    },
    "search": {
        "type": "object",
        "properties": {
            "user_id": {"type": "string"},
            "limit_count": {"type": "integer"},
            "page_count": {"type": "integer"},
            "total_page_count": {"type": "integer"},
            "billing_payment_method": {"type": "array", "items": PAYMENT_ROW},
        },
    },
}
PATHS = {
    "credit_card_token": "/api/v1.0/billing_payment_method/credit_card_token",
    "bulk_upsert": "/api/v1.0/billing/bulk_upsert",
    "search": "/api/v1.0/billing_payment_method/search",
}


def _line(entry: catalogue.Outcome) -> str:
    code = (
        "error null"
        if entry.code_json == "null"
        else ("no JSON body" if entry.code_json == "absent" else f"`{entry.code!r}` {entry.message}")
    )
    return f"- {entry.id}: {code} — {entry.meaning} ({entry.source})"


def _responses(endpoint: str) -> dict[str, Any]:
    chosen = [
        entry
        for entry in (*catalogue.api_outcomes(), *catalogue.endpoint_codes())
        if (entry.surface == "api" and (endpoint == "credit_card_token" or entry.family in SHARED_FAMILIES))
        or entry.surface == endpoint
    ]
    by_status: defaultdict[int, list[catalogue.Outcome]] = defaultdict(list)
    for entry in chosen:
        by_status[entry.http_status or 0].append(entry)
    by_status.setdefault(200, [])  # every endpoint has a success answer
    responses: dict[str, Any] = {}
    for status in sorted(by_status):
        lines = "\n".join(_line(entry) for entry in by_status[status])
        description = f"{STATUS_TEXT.get(status, 'HTTP')}\n{lines}".strip()
        absent = all(entry.code_json == "absent" for entry in by_status[status]) and by_status[status]
        schema = (
            SUCCESS_BODIES[endpoint]
            if status == 200 and endpoint != "credit_card_token"
            else {"$ref": "#/components/schemas/ErrorAnswer"}
        )
        responses[str(status)] = (
            {"description": description}
            if absent
            else {"description": description, "content": {"application/json": {"schema": schema}}}
        )
    return responses


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "billing-robo API as emulated by the sandbox",
            "version": "1.0",
            "description": "The part of 請求管理ロボ's API used by card-token registration. Checks in "
            "order: body size (413), rate limit (429), faults, maintenance (19), user_id (11), "
            "access_key (12), source IP (13), primed code, then the endpoint's own checks.",
        },
        "paths": {
            path: {
                "post": {
                    "operationId": endpoint,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": REQUESTS[endpoint]}},
                    },
                    "responses": _responses(endpoint),
                }
            }
            for endpoint, path in PATHS.items()
        },
        "components": {"schemas": {"ErrorAnswer": ERROR}},
    }


async def openapi_json(request: Request) -> JSONResponse:
    return JSONResponse(openapi_document())


routes = [Route("/openapi.json", openapi_json, methods=["GET"])]
