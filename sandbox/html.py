"""Render the gateway's popup card form and the reference merchant's pages from the packaged templates."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

ASSETS = Path(__file__).parent
MERCHANT_MODES = ("popup", "custom")

# `{{name}}` rather than string.Template: the pages' JavaScript is full of jQuery's `$`.
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


# Only for shops with the security-code option; fixed markup, nothing substituted into it.
_CARD_FORM_CVV = """
      <div class="field">
        <label for="cvv">セキュリティコード</label>
        <input type="text" id="cvv" inputmode="numeric" autocomplete="cc-csc" value="">
      </div>"""
_MERCHANT_CVV = """
        セキュリティコード:
            <input type="text" value="" name="cvv" id="cvv" />"""
_MERCHANT_CVV_PARAM = """,
                cvv: $("#cvv").val()"""


@dataclass(frozen=True)
class _Safe:
    """A fragment already made safe for the place it goes (a JS literal, markup built here)."""

    text: str


def render_card_form(aid: str, security_code: bool) -> str:
    """The popup card form page served by the gateway inside CPToken.CardInfo's iframe."""
    cvv_field = _Safe(_CARD_FORM_CVV if security_code else "")
    return _fill(_template("gateway_assets/card_form.html"), {"aid": aid, "cvv_field": cvv_field})


def render_merchant_page(
    mode: str, checkout_id: str, aid: str, gateway_base: str, security_code: bool, md: str | None = "10"
) -> str:
    """Sample 1 (mode "popup") or sample 2 (mode "custom") of the seed, for one checkout.

    md is the payment method the custom page passes to TokenCreate ("10" = 一括払い, which the seed's
    table requires); None leaves it out, as the seed's own sample 2 does.
    """
    if mode not in MERCHANT_MODES:
        raise ValueError(f"unknown merchant page mode {mode!r}; allowed modes: {', '.join(MERCHANT_MODES)}")
    values: dict[str, str | _Safe] = {
        # A path segment of the form's action: percent-encoded, then HTML-escaped like every value.
        "checkout_id": quote(checkout_id, safe=""),
        "gateway_base": gateway_base.rstrip("/"),
        "aid_js": _js_string(aid),
    }
    if mode == "custom":
        if security_code:
            values["cvv_field"] = _Safe(_MERCHANT_CVV)
            values["cvv_param"] = _Safe(_MERCHANT_CVV_PARAM)
        else:
            values["cvv_field"] = _Safe("")
            values["cvv_param"] = _Safe("")
        values["md_param"] = _Safe("" if md is None else f",\n                    md: {_js_string(md).text}")
    return _fill(_template(f"merchant_assets/{mode}.html"), values)


def render_merchant_3ds_page(
    mode: str,
    checkout_id: str,
    aid: str,
    gateway_base: str,
    security_code: bool,
    md: str | None,
    em: str | None,
    pn: str | None,
) -> str:
    """Sample 1 (popup) or 2 (custom) of the current spec: the token, then ThreeDSAdapter.authenticate.

    em / pn are the billing individual's email and phone; None leaves that parameter out.
    """
    if mode not in MERCHANT_MODES:
        raise ValueError(f"unknown merchant page mode {mode!r}; allowed modes: {', '.join(MERCHANT_MODES)}")
    contact = "".join(
        f",\n                    {name}: {_js_string(value).text}"
        for name, value in (("em", em), ("pn", pn))
        if value is not None
    )
    values: dict[str, str | _Safe] = {
        "checkout_id": quote(checkout_id, safe=""),
        "gateway_base": gateway_base.rstrip("/"),
        "aid_js": _js_string(aid),
        "contact_params": _Safe(contact),
    }
    if mode == "custom":
        values["cvv_field"] = _Safe(_MERCHANT_CVV if security_code else "")
        values["cvv_param"] = _Safe(_MERCHANT_CVV_PARAM if security_code else "")
        values["md_param"] = _Safe("" if md is None else f",\n                md: {_js_string(md).text}")
    return _fill(_template(f"merchant_assets/{mode}_3ds.html"), values)


def render_result(code: str, message: str) -> str:
    """The merchant's result page after /checkout/{id}/purchase: the registration's code and message."""
    return _fill(_template("merchant_assets/result.html"), {"code": code, "message": message})


@cache
def _template(relative: str) -> str:
    return (ASSETS / relative).read_text(encoding="utf-8")


def _fill(template: str, values: Mapping[str, str | _Safe]) -> str:
    """Replace every `{{name}}` in one pass, so a value that contains `{{...}}` is never expanded."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"template placeholder {{{{{name}}}}} has no value")
        value = values[name]
        if isinstance(value, _Safe):
            return value.text
        return html.escape(str(value), quote=True)

    return _PLACEHOLDER.sub(substitute, template)


def _js_string(value: str) -> _Safe:
    """A JS string literal safe inside a <script> element: HTML entities are not decoded there."""
    literal = json.dumps(str(value), ensure_ascii=True)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        literal = literal.replace(raw, escaped)
    return _Safe(literal)
