"""A merchant's checkout site on loopback: compliant pages, and twins that each commit one violation."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import sandbox
from sandbox.server import listen, url_of
from tests.merchant_pages.real_shapes import PREFIX as REAL_PREFIX
from tests.merchant_pages.real_shapes import SHAPES

GATEWAY = "https://credit.j-payment.co.jp"
GATEWAY_JQUERY = f"{GATEWAY}/gateway/js/jquery.js"
GATEWAY_CPTOKEN = f"{GATEWAY}/gateway/js/CPToken.js"
GATEWAY_ADAPTER = f"{GATEWAY}/gateway/js/EMV3DSAdapter.js"
HOLDER_EMAIL = "holder@shop.example"
HOLDER_TEL = "0300000000"
AID = "246810"
FOREIGN_CPTOKEN_PATH = "/static/CPToken.js"
WIDGET_PATH = "/static/widget.js"
STARTUP_TIMEOUT_SECONDS = 15.0
RECEIVED_KINDS = ("purchases", "collect", "beacon", "static", "webhooks")

# What every page of the site sends, unless its variant drops one. Scripts, frames and token calls may
# only come from the site itself and the gateway; the inline callbacks of the vendor's samples need
# 'unsafe-inline'.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; "
        f"script-src 'self' 'unsafe-inline' {GATEWAY}; "
        f"connect-src 'self' {GATEWAY}; "
        f"frame-src {GATEWAY}; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; "
        "form-action 'self'; "
        "base-uri 'self'; "
        "frame-ancestors 'none'"
    ),
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

# The vendor's sample 2 (custom mode), with md passed as its parameter table requires and the error also
# written into #error-message (an alert is gone once closed).
CUSTOM_SCRIPT = """
        function doPurchase() {
            // CP非同期通信よりトークンを生成する
            CPToken.TokenCreate (
                {
                    aid: "%(aid)s",
                    cn: $("#cn").val(),
                    ed: $("#ed_year").val() + $("#ed_month").val(),
                    fn: $("#fn").val(),
                    ln: $("#ln").val(),
                    md: "10"
                },
                execPurchase
            );
        }

        // コールバック関数
        function execPurchase(resultCode, errMsg) {
            if (resultCode != "Success") {
                showError(resultCode, errMsg);
                window.alert(errMsg);
            } else {
                clearCardInputs();
                //スクリプトからフォームをsubmit
                $("#%(form_id)s").submit();
            }
        }

        // カード情報を消去
        function clearCardInputs() {
            $("#cn").val("");
            $("#ed_year").val("");
            $("#ed_month").val("");
            $("#fn").val("");
            $("#ln").val("");
        }

        function showError(resultCode, errMsg) {
            $("#error-message").text(errMsg).attr("data-result-code", resultCode).prop("hidden", false);
        }
"""

# The vendor's sample 1 (popup mode).
POPUP_SCRIPT = """
        // カード情報入力フォーム表示
        function doPurchase() {
            //CP非同期通信よりカード番号入力画面を表示する
            CPToken.CardInfo (
                {
                    aid: "%(aid)s"
                },
                execPurchase
            );
        }

        // コールバック関数
        function execPurchase(resultCode, errMsg) {
            if (resultCode != "Success") {
                // 戻り値がSuccess以外の場合はエラーメッセージを表示
                showError(resultCode, errMsg);
                window.alert(errMsg);
            } else {
                // スクリプトからフォームをsubmit
                $("#%(form_id)s").submit();
            }
        }

        function showError(resultCode, errMsg) {
            $("#error-message").text(errMsg).attr("data-result-code", resultCode).prop("hidden", false);
        }
"""

# The current specification's 3-D Secure step (credit_card_token.md, samples 1 and 2): the tokenizer's callback
# calls ThreeDSAdapter.authenticate, whose callback submits.
AUTHENTICATE_SCRIPT = """
        // コールバック関数
        function execAuth(resultCode, errMsg) {
            if (resultCode != "Success") {
                showError(resultCode, errMsg);
                window.alert(errMsg);
            } else {
                // 3Dセキュア2.0認証処理（商品登録なし）を呼び出します。
                ThreeDSAdapter.authenticate({
                    tkn: $("#tkn").val(), // トークン作成後にtkn要素に値が入力されます
                    aid: "%(aid)s", // 店舗IDを設定します。
                    am: 0, // 「am」「tx」「sf」 の値はいずれも0固定で設定します。
                    tx: 0,
                    sf: 0,
                    em: "%(email)s",
                    pn: "%(tel)s"
                }, execPurchase);  // 決済実行用の関数をコールバックにセットします。
            }
        }
"""

CUSTOM_FIELDS = """
        カード番号:
            <input type="text" value="" name="cn" id="cn" />
        カード有効期限:
            <input type="text" value="" name="ed_year" id="ed_year" /> /
            <input type="text" value="" name="ed_month" id="ed_month" />
        カード名義人:
            <input type="text" value="" name="fn" id="fn" />
            <input type="text" value="" name="ln" id="ln" />
        <input id="tkn" name="tkn" type="hidden" value="">"""

POPUP_FIELDS = """
        <input id="tkn" name="tkn" type="hidden" value="">
        <div id="CARD_INPUT_FORM"></div>"""

PAGE = """<!DOCTYPE html>
<html lang="ja">
<head>
    <meta charset="utf-8">%(head_extra)s
    <title>%(title)s</title>
    <script type="text/javascript" src="%(jquery)s"></script>
    <script type="text/javascript" src="%(tokenizer)s"></script>%(extra_scripts)s
    <script type="text/javascript">%(script)s</script>
</head>
<body>
    <h1>ご購入手続き</h1>
    <p id="error-message" role="alert" data-result-code="" hidden></p>
    <form id="%(form_id)s" action="/%(variant)s/purchase" method="post">%(fields)s
        <input type="button" id="purchase" value="購入する" onclick="doPurchase()"/>
    </form>
</body>
</html>
"""

RESULT_PAGE = """<!DOCTYPE html>
<html lang="ja">
<head>
    <meta charset="utf-8">
    <title>ご購入結果</title>
</head>
<body>
    <h1>ご購入結果</h1>
    %(result)s
</body>
</html>
"""

# A harmless third-party widget; on the payment page it is still a script nobody approved.
WIDGET_SCRIPT = "window.shopChatWidget = { version: \"1.0\", open: function () {} };\n"


@dataclass(frozen=True)
class Variant:
    """One checkout page: its mode, and what (if anything) it does wrong compared with its compliant twin."""

    name: str
    mode: Literal["custom", "popup"]
    twin: str
    defect: str = ""
    form_id: str = "mainform"
    tokenizer: str = GATEWAY_CPTOKEN
    extra_scripts: tuple[str, ...] = ()
    dropped_headers: tuple[str, ...] = ()
    script_edits: tuple[tuple[str, str], ...] = ()
    three_d_secure: bool = False  # the current spec's samples: EMV3DSAdapter.js and authenticate before the submit
    head_extra: str = ""
    webhook: str = ""  # the shop's webhook handler under /webhooks/: "idempotent" or "not-idempotent"

    @property
    def compliant(self) -> bool:
        return not self.defect

    @property
    def script(self) -> str:
        base = CUSTOM_SCRIPT if self.mode == "custom" else POPUP_SCRIPT
        script = base % {"aid": AID, "form_id": self.form_id}
        if self.three_d_secure:
            script = script.replace("execPurchase\n", "execAuth\n", 1) + AUTHENTICATE_SCRIPT % {
                "aid": AID, "email": HOLDER_EMAIL, "tel": HOLDER_TEL}
        for old, new in self.script_edits:
            # Exactly one place changes, so the page differs from its twin by its defect and nothing else.
            if script.count(old) != 1:
                raise ValueError(f"variant {self.name}: {old!r} is not in its twin's script exactly once")
            script = script.replace(old, new)
        return script


def _leak_before_token(statement: str) -> tuple[tuple[str, str], ...]:
    """A statement run when the buyer presses 購入する, while the card number is still in #cn."""
    anchor = "            // CP非同期通信よりトークンを生成する\n"
    return ((anchor, f"            {statement}\n{anchor}"),)


_COMPLIANT_CUSTOM = Variant("compliant-custom", "custom", twin="compliant-custom")
_COMPLIANT_CUSTOM_3DS = Variant("compliant-custom-3ds", "custom", twin="compliant-custom-3ds", three_d_secure=True,
                                webhook="idempotent")
_SUBMIT_ON_SUCCESS = (
    '            if (resultCode != "Success") {\n'
    '                showError(resultCode, errMsg);\n'
    '                window.alert(errMsg);\n'
    '            } else {\n'
    '                clearCardInputs();\n'
)

VARIANTS: dict[str, Variant] = {
    variant.name: variant
    for variant in (
        _COMPLIANT_CUSTOM,
        Variant("compliant-popup", "popup", twin="compliant-popup"),
        _COMPLIANT_CUSTOM_3DS,
        Variant("compliant-popup-3ds", "popup", twin="compliant-popup-3ds", three_d_secure=True,
                webhook="idempotent"),
        replace(
            _COMPLIANT_CUSTOM_3DS, name="skips-authenticate",
            defect="loads EMV3DSAdapter.js but submits straight from the tokenizer's callback, never authenticating",
            script_edits=(("execAuth\n", "execPurchase\n"),),
        ),
        replace(
            _COMPLIANT_CUSTOM_3DS, name="submits-when-authentication-fails",
            defect="submits from authenticate's callback whatever its resultCode",
            script_edits=(('            } else {\n                clearCardInputs();\n',
                           '            }\n            {\n                clearCardInputs();\n'),),
        ),
        replace(
            _COMPLIANT_CUSTOM_3DS, name="submits-on-cancel",
            defect="takes the holder's Cancel of the 3-D Secure challenge for a go-ahead and submits",
            script_edits=((_SUBMIT_ON_SUCCESS,
                           '            if (resultCode != "Success" && resultCode != "Cancel") {\n'
                           '                showError(resultCode, errMsg);\n'
                           '                window.alert(errMsg);\n'
                           '            } else {\n'
                           '                clearCardInputs();\n'),),
        ),
        replace(
            _COMPLIANT_CUSTOM_3DS, name="wrong-am",
            defect="calls ThreeDSAdapter.authenticate with am: 100 (the amount) instead of 0",
            script_edits=(("                    am: 0,", "                    am: 100,"),),
        ),
        replace(
            _COMPLIANT_CUSTOM_3DS, name="em-pn-missing",
            defect="calls ThreeDSAdapter.authenticate without em and pn",
            script_edits=((f'                    em: "{HOLDER_EMAIL}",\n'
                           f'                    pn: "{HOLDER_TEL}"\n', ""),),
        ),
        replace(
            _COMPLIANT_CUSTOM, name="no-referrer",
            defect='sets <meta name="referrer" content="no-referrer">, so the gateway never sees its origin',
            head_extra='\n    <meta name="referrer" content="no-referrer">',
        ),
        replace(
            _COMPLIANT_CUSTOM, name="webhook-not-idempotent",
            defect="its webhook handler refuses (409) a repeated delivery of an event it already handled",
            webhook="not-idempotent",
        ),
        Variant("compliant-custom-otherform", "custom", twin="compliant-custom-otherform",
                form_id="checkout-form"),
        replace(
            _COMPLIANT_CUSTOM, name="not-cleared",
            defect="clears every card input but #cn before submitting the form",
            script_edits=(('            $("#cn").val("");\n', ""),),
        ),
        replace(
            _COMPLIANT_CUSTOM, name="cleared-after-submit",
            defect="submits the form first and clears the card inputs afterwards, in a setTimeout",
            script_edits=((
                '                clearCardInputs();\n'
                '                //スクリプトからフォームをsubmit\n'
                '                $("#mainform").submit();\n',
                '                //スクリプトからフォームをsubmit\n'
                '                $("#mainform").submit();\n'
                '                window.setTimeout(clearCardInputs, 0);\n',
            ),),
        ),
        replace(
            _COMPLIANT_CUSTOM, name="analytics-leak",
            defect="POSTs the card number with fetch to its own analytics endpoint /collect",
            script_edits=_leak_before_token(
                'fetch("/collect", {method: "POST", keepalive: true, headers: {"Content-Type": '
                '"application/json"}, body: JSON.stringify({event: "purchase_click", cn: $("#cn").val()})});'
            ),
        ),
        replace(
            _COMPLIANT_CUSTOM, name="beacon-leak",
            defect="sends the card number with navigator.sendBeacon to /beacon",
            script_edits=_leak_before_token(
                'navigator.sendBeacon("/beacon", '
                'JSON.stringify({event: "purchase_click", cn: $("#cn").val()}));'
            ),
        ),
        replace(
            _COMPLIANT_CUSTOM, name="storage-leak",
            defect="writes the card number to localStorage",
            script_edits=_leak_before_token('window.localStorage.setItem("checkout_cn", $("#cn").val());'),
        ),
        replace(
            _COMPLIANT_CUSTOM, name="console-leak",
            defect="logs the card number with console.log",
            script_edits=_leak_before_token('console.log("purchase clicked, card " + $("#cn").val());'),
        ),
        replace(
            _COMPLIANT_CUSTOM, name="url-leak",
            defect="puts the card number in the page URL with history.replaceState(?cn=...)",
            script_edits=_leak_before_token(
                'history.replaceState(null, "", "?cn=" + encodeURIComponent($("#cn").val()));'
            ),
        ),
        replace(
            _COMPLIANT_CUSTOM, name="submits-on-error",
            defect="shows the gateway's error, then clears the inputs and submits the form anyway",
            script_edits=((
                '                window.alert(errMsg);\n'
                '            } else {\n'
                '                clearCardInputs();\n'
                '                //スクリプトからフォームをsubmit\n'
                '                $("#mainform").submit();\n'
                '            }\n',
                '                window.alert(errMsg);\n'
                '            }\n'
                '            clearCardInputs();\n'
                '            //スクリプトからフォームをsubmit\n'
                '            $("#mainform").submit();\n',
            ),),
        ),
        replace(
            _COMPLIANT_CUSTOM, name="foreign-tokenizer",
            defect=f"loads a copy of CPToken.js from its own host ({FOREIGN_CPTOKEN_PATH}), not the gateway",
            tokenizer=FOREIGN_CPTOKEN_PATH,
        ),
        replace(
            _COMPLIANT_CUSTOM, name="unapproved-script",
            defect=f"loads an extra script, {WIDGET_PATH}, that the approved inventory does not list",
            extra_scripts=(WIDGET_PATH,),
        ),
        replace(
            _COMPLIANT_CUSTOM, name="dropped-header",
            defect="no longer sends Content-Security-Policy",
            dropped_headers=("content-security-policy",),
        ),
        replace(
            _COMPLIANT_CUSTOM, name="ln-missing",
            defect="calls TokenCreate without ln",
            script_edits=(('                    ln: $("#ln").val(),\n', ""),),
        ),
        replace(
            _COMPLIANT_CUSTOM, name="md-missing",
            defect="calls TokenCreate without md",
            script_edits=(('                    ln: $("#ln").val(),\n                    md: "10"\n',
                           '                    ln: $("#ln").val()\n'),),
        ),
    )
}


def render_page(variant: Variant) -> str:
    scripts = (*((GATEWAY_ADAPTER,) if variant.three_d_secure else ()), *variant.extra_scripts)
    extra = "".join(f'\n    <script type="text/javascript" src="{src}"></script>' for src in scripts)
    title = "ご購入手続き(カスタマイズ方式)" if variant.mode == "custom" else "ご購入手続き(ポップアップ方式)"
    return PAGE % {
        "title": title,
        "jquery": GATEWAY_JQUERY,
        "tokenizer": variant.tokenizer,
        "extra_scripts": extra,
        "script": variant.script,
        "form_id": variant.form_id,
        "variant": variant.name,
        "fields": (CUSTOM_FIELDS if variant.mode == "custom" else POPUP_FIELDS) + (
            '\n        <div id="EMV3DS_INPUT_FORM"></div>' if variant.three_d_secure else ""),
        "head_extra": variant.head_extra,
    }


def foreign_cptoken() -> str:
    """The gateway's CPToken.js as a merchant copies it onto its own host: same code, gateway origin pinned.

    Pinned so that the copy still gets real tokens; only where the script came from is wrong.
    """
    source = (Path(sandbox.__file__).parent / "gateway_assets" / "CPToken.js").read_text(encoding="utf-8")
    found = "var gatewayOrigin = findGatewayOrigin();"
    if source.count(found) != 1:
        raise RuntimeError(f"sandbox CPToken.js no longer has {found!r}; update foreign_cptoken()")
    return source.replace(found, f'var gatewayOrigin = "{GATEWAY}";')


class Received:
    """Everything the site's server side was sent, per endpoint (thread-safe, in memory)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, list[dict[str, Any]]] = {kind: [] for kind in RECEIVED_KINDS}

    def add(self, kind: str, entry: dict[str, Any]) -> None:
        with self._lock:
            self._data[kind].append(entry)

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        with self._lock:
            return json.loads(json.dumps(self._data))


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every answer, leaving out what the requested page's variant drops."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        first = scope["path"].strip("/").split("/")[0]
        dropped = VARIANTS[first].dropped_headers if first in VARIANTS else ()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name.lower() not in dropped:
                        headers.append(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_app(received: Received | None = None) -> ASGIApp:
    received = received or Received()
    foreign = foreign_cptoken()

    def variant_of(request: Request) -> Variant | None:
        return VARIANTS.get(request.path_params["variant"])

    async def index(request: Request) -> Response:
        links = "".join(f'<li><a href="/{name}/">{name}</a></li>' for name in VARIANTS)
        return HTMLResponse(f"<!DOCTYPE html><html><body><ul>{links}</ul></body></html>")

    async def page(request: Request) -> Response:
        variant = variant_of(request)
        if variant is None:
            return HTMLResponse("<p>no such page</p>", status_code=404)
        return HTMLResponse(render_page(variant))

    async def purchase(request: Request) -> Response:
        variant = variant_of(request)
        if variant is None:
            return HTMLResponse("<p>no such page</p>", status_code=404)
        body = (await request.body()).decode("utf-8", errors="replace")
        fields = dict(parse_qsl(body, keep_blank_values=True))
        received.add("purchases", {"variant": variant.name, "fields": fields,
                                   "referer": request.headers.get("referer", "")})
        if fields.get("tkn", "").strip():
            result = ('<p id="result-code">Received</p>\n'
                      '    <p id="result-message">トークンを受け取りました</p>')
        else:
            # A real shop cannot register a card without a token: no success marker here.
            result = '<p id="purchase-refused">NoToken: トークンがないため登録できません</p>'
        return HTMLResponse(RESULT_PAGE % {"result": result})

    def recorder(kind: str) -> Any:
        async def record(request: Request) -> Response:
            received.add(kind, {
                "body": (await request.body()).decode("utf-8", errors="replace"),
                "content_type": request.headers.get("content-type", ""),
                "referer": request.headers.get("referer", ""),
            })
            return Response(status_code=204)
        return record

    def static(path: str, text: str) -> Any:
        async def serve(request: Request) -> Response:
            received.add("static", {"path": path, "referer": request.headers.get("referer", "")})
            return Response(text, media_type="text/javascript; charset=utf-8")
        return serve

    async def shape_page(request: Request) -> Response:
        shape = SHAPES.get(request.path_params["shape"])
        if shape is None:
            return HTMLResponse("<p>no such page</p>", status_code=404)
        return HTMLResponse(shape.html())

    async def shape_purchase(request: Request) -> Response:
        """A form post (or, at /api/purchase, a JSON fetch) of a real-shaped page; a token under any name."""
        shape = SHAPES.get(request.path_params["shape"])
        if shape is None:
            return HTMLResponse("<p>no such page</p>", status_code=404)
        body = (await request.body()).decode("utf-8", errors="replace")
        api = request.url.path.endswith("/api/purchase")
        if body.lstrip().startswith("{"):  # fetch with a JSON body
            fields = {k: str(v) for k, v in json.loads(body).items()}
        else:  # a form post, $.ajax's form-encoded data, or a navigation's query
            fields = dict(parse_qsl(body or request.url.query, keep_blank_values=True))
        received.add("purchases", {"variant": shape.name, "fields": fields,
                                   "referer": request.headers.get("referer", "")})
        token = next((v for k, v in fields.items() if k.lower() in ("tkn", "token") and v.strip()), "")
        if api:
            return JSONResponse({"result": "Received" if token else "NoToken"})
        result = '<p id="result-code">Received</p>' if token else '<p id="purchase-refused">NoToken</p>'
        return HTMLResponse(RESULT_PAGE % {"result": result})

    handled: set[tuple[str, str]] = set()

    async def webhook(request: Request) -> Response:
        """The shop's credit_status_issue handler: "idempotent" acknowledges a repeated event, the other refuses it."""
        kind = request.path_params["kind"]
        try:
            event = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"error": "not JSON"}, status_code=400)
        key = (kind, f"{event.get('BillingRoboSignaturekey')}|{event.get('id')}")
        repeated = key in handled
        handled.add(key)
        received.add("webhooks", {"kind": kind, "id": event.get("id"), "repeated": repeated})
        if repeated and kind == "not-idempotent":
            return JSONResponse({"error": "already handled"}, status_code=409)
        return JSONResponse({"ok": True})

    async def show_received(request: Request) -> Response:
        return JSONResponse(received.snapshot())

    app = Starlette(routes=[
        Route("/", index),
        Route("/_received", show_received),
        Route("/collect", recorder("collect"), methods=["POST"]),
        Route("/beacon", recorder("beacon"), methods=["POST"]),
        Route(FOREIGN_CPTOKEN_PATH, static(FOREIGN_CPTOKEN_PATH, foreign)),
        Route(WIDGET_PATH, static(WIDGET_PATH, WIDGET_SCRIPT)),
        Route("/webhooks/{kind}", webhook, methods=["POST"]),
        Route(f"{REAL_PREFIX}/{{shape}}/", shape_page),
        Route(f"{REAL_PREFIX}/{{shape}}/purchase", shape_purchase, methods=["GET", "POST"]),
        Route(f"{REAL_PREFIX}/{{shape}}/api/purchase", shape_purchase, methods=["POST"]),
        Route("/{variant}/", page),
        Route("/{variant}/purchase", purchase, methods=["POST"]),
    ])
    return SecurityHeaders(app)


@contextmanager
def serve_merchant_pages(host: str = "127.0.0.1") -> Iterator[str]:
    """Serve every variant on a free port of host, in a thread; yields the base URL (no trailing slash)."""
    sock = listen(host, 0)
    server = uvicorn.Server(uvicorn.Config(
        build_app(), log_config=None, log_level="warning", access_log=False,
        http="h11", ws="none", lifespan="off", timeout_graceful_shutdown=2,
    ))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])),
                              name="merchant-pages", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the merchant pages server did not start")
            time.sleep(0.01)
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def received(base_url: str) -> dict[str, list[dict[str, Any]]]:
    """What the site's server side has been sent so far: purchases, /collect, /beacon, static scripts."""
    return httpx.get(f"{base_url}/_received", timeout=10, trust_env=False).json()
