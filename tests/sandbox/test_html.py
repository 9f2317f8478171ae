"""Unit tests of sandbox.html: the popup card form, the reference merchant pages and the result page."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from sandbox.html import render_card_form, render_merchant_page, render_result

GATEWAY = "http://127.0.0.1:8001"
HOSTILE = "\"'><script>alert(1)</script>&{{aid}}"


class _Elements(HTMLParser):
    """Every start tag with its attributes, the text inside each id'd element, and every script body."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text_by_id: dict[str, str] = {}
        self._open_ids: list[str | None] = []
        self._in_script = False
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if tag not in ("input", "meta", "br"):
            self._open_ids.append(attributes.get("id"))
            if attributes.get("id"):
                self.text_by_id[attributes["id"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag not in ("input", "meta", "br") and self._open_ids:
            self._open_ids.pop()

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        for element_id in self._open_ids:
            if element_id:
                self.text_by_id[element_id] += data

    def by_id(self, element_id: str) -> tuple[str, dict[str, str | None]]:
        matches = [(tag, attrs) for tag, attrs in self.tags if attrs.get("id") == element_id]
        assert len(matches) == 1, f"expected exactly one element #{element_id}, found {len(matches)}"
        return matches[0]

    def has_id(self, element_id: str) -> bool:
        return any(attrs.get("id") == element_id for _, attrs in self.tags)

    def script_sources(self) -> list[str | None]:
        return [attrs.get("src") for tag, attrs in self.tags if tag == "script" and attrs.get("src")]


def _aid_literal(script: str) -> str:
    """The value of `aid: <JS string literal>` in a page's inline script."""
    match = re.search(r"aid:\s*(\"(?:[^\"\\]|\\.)*\")", script)
    assert match, "no aid literal in the page's script"
    return json.loads(match.group(1))


# ---------------------------------------------------------------- the popup card form


def test_card_form_has_the_documented_inputs_and_buttons() -> None:
    page = _Elements(render_card_form("123456", security_code=False))
    for input_id in ("cn", "ed_year", "ed_month", "fn", "ln"):
        assert page.by_id(input_id)[0] == "input"
    assert page.by_id("card-submit")[0] == "button"
    assert page.text_by_id["card-submit"].strip() == "登録する"
    assert page.text_by_id["card-cancel"].strip() == "キャンセル"
    assert page.by_id("card-form")[1]["data-aid"] == "123456"


def test_card_form_shows_the_security_code_only_for_shops_with_the_option() -> None:
    assert not _Elements(render_card_form("123456", security_code=False)).has_id("cvv")
    assert _Elements(render_card_form("123456", security_code=True)).by_id("cvv")[0] == "input"


def test_card_form_inputs_have_no_name_and_no_preset_value() -> None:
    page = _Elements(render_card_form("123456", security_code=True))
    for input_id in ("cn", "ed_year", "ed_month", "fn", "ln", "cvv"):
        attributes = page.by_id(input_id)[1]
        assert "name" not in attributes
        assert attributes.get("value") == ""


def test_card_form_labels_are_japanese() -> None:
    markup = render_card_form("123456", security_code=True)
    for label in ("カード番号", "有効期限", "カード名義(姓)", "カード名義(名)", "セキュリティコード"):
        assert label in markup


def test_card_form_escapes_the_aid() -> None:
    markup = render_card_form(HOSTILE, security_code=False)
    page = _Elements(markup)
    assert page.by_id("card-form")[1]["data-aid"] == HOSTILE
    assert "<script>alert(1)" not in markup


# ---------------------------------------------------------------- merchant pages


@pytest.mark.parametrize("mode", ["popup", "custom"])
def test_merchant_page_loads_both_scripts_from_the_gateway(mode: str) -> None:
    page = _Elements(render_merchant_page(mode, "c1", "123456", GATEWAY + "/", security_code=False))
    assert page.script_sources() == [
        f"{GATEWAY}/gateway/js/jquery.js",
        f"{GATEWAY}/gateway/js/CPToken.js",
    ]


@pytest.mark.parametrize("mode", ["popup", "custom"])
def test_merchant_page_has_the_seed_form(mode: str) -> None:
    page = _Elements(render_merchant_page(mode, "c-42", "123456", GATEWAY, security_code=False))
    tag, form = page.by_id("mainform")
    assert tag == "form"
    assert form["action"] == "/checkout/c-42/purchase"
    assert form["method"] == "post"
    tkn = page.by_id("tkn")[1]
    assert (tkn["name"], tkn["type"], tkn["value"]) == ("tkn", "hidden", "")
    purchase = page.by_id("purchase")[1]
    assert purchase["value"] == "購入する"
    assert purchase["onclick"] == "doPurchase()"
    assert page.by_id("error-message")[1]["role"] == "alert"


@pytest.mark.parametrize("mode", ["popup", "custom"])
def test_merchant_page_passes_the_aid_as_a_js_string(mode: str) -> None:
    page = _Elements(render_merchant_page(mode, "c1", "123456", GATEWAY, security_code=False))
    inline = "".join(page.scripts)
    assert _aid_literal(inline) == "123456"
    assert 'md: "10"' in inline or mode == "popup"


def test_popup_page_has_the_card_input_container_and_no_card_inputs() -> None:
    page = _Elements(render_merchant_page("popup", "c1", "123456", GATEWAY, security_code=True))
    assert page.by_id("CARD_INPUT_FORM")[0] == "div"
    for input_id in ("cn", "ed_year", "ed_month", "fn", "ln", "cvv"):
        assert not page.has_id(input_id)
    assert "CPToken.CardInfo" in "".join(page.scripts)


def test_custom_page_has_the_seed_card_inputs_with_their_names() -> None:
    page = _Elements(render_merchant_page("custom", "c1", "123456", GATEWAY, security_code=False))
    for input_id in ("cn", "ed_year", "ed_month", "fn", "ln"):
        attributes = page.by_id(input_id)[1]
        assert attributes["name"] == input_id
        assert attributes["value"] == ""
    assert not page.has_id("cvv")
    assert not page.has_id("CARD_INPUT_FORM")


def test_custom_page_sends_the_security_code_only_with_the_option() -> None:
    without = _Elements(render_merchant_page("custom", "c1", "123456", GATEWAY, security_code=False))
    with_option = _Elements(render_merchant_page("custom", "c1", "123456", GATEWAY, security_code=True))
    assert "cvv:" not in "".join(without.scripts)
    assert 'cvv: $("#cvv").val()' in "".join(with_option.scripts)
    assert with_option.by_id("cvv")[1]["name"] == "cvv"


def test_custom_page_clears_every_card_input_before_submitting() -> None:
    page = _Elements(render_merchant_page("custom", "c1", "123456", GATEWAY, security_code=True))
    script = "".join(page.scripts)
    submit_at = script.index('$("#mainform").submit()')
    for input_id in ("cn", "ed_year", "ed_month", "fn", "ln", "cvv"):
        assert script.index(f'$("#{input_id}").val("")') < submit_at


def test_merchant_page_rejects_an_unknown_mode_naming_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="popup, custom"):
        render_merchant_page("redirect", "c1", "123456", GATEWAY, security_code=False)


@pytest.mark.parametrize("mode", ["popup", "custom"])
def test_merchant_page_escapes_every_value(mode: str) -> None:
    markup = render_merchant_page(mode, HOSTILE, HOSTILE, HOSTILE, security_code=False)
    page = _Elements(markup)
    assert "<script>alert(1)" not in markup
    # HOSTILE carries "{{aid}}": equal round trips also prove a value is never expanded again.
    assert _aid_literal("".join(page.scripts)) == HOSTILE
    assert page.script_sources()[0] == HOSTILE + "/gateway/js/jquery.js"
    action = page.by_id("mainform")[1]["action"]
    assert action.startswith("/checkout/") and action.endswith("/purchase")
    assert "/" not in action.removeprefix("/checkout/").removesuffix("/purchase")


# ---------------------------------------------------------------- result page


def test_result_page_shows_code_and_message() -> None:
    page = _Elements(render_result("ER584", "Credit card payment error."))
    assert page.text_by_id["result-code"] == "ER584"
    assert page.text_by_id["result-message"] == "Credit card payment error."


def test_result_page_escapes_code_and_message() -> None:
    markup = render_result(HOSTILE, HOSTILE)
    page = _Elements(markup)
    assert "<script>alert(1)" not in markup
    assert page.text_by_id["result-code"] == HOSTILE
    assert page.text_by_id["result-message"] == HOSTILE


def test_no_template_leaves_a_placeholder_behind() -> None:
    pages = [
        render_card_form("123456", security_code=True),
        render_card_form("123456", security_code=False),
        render_result("Success", ""),
    ] + [
        render_merchant_page(mode, "c1", "123456", GATEWAY, security_code=option)
        for mode in ("popup", "custom")
        for option in (True, False)
    ]
    for markup in pages:
        assert not re.search(r"\{\{.*?\}\}", markup)
