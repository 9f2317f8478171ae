"""The journal's redaction, one table: what goes in, what must be gone, what must stay."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from sandbox.journal import MAX_KEPT_CHARACTERS, kept
from sandbox.redaction import redact

CARD = "4444333322221111"
FULL_WIDTH_CARD = CARD.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def deep(levels: int) -> Any:
    value: Any = {"cvv": "987"}
    for _ in range(levels):
        value = {"x": [value]}
    return value


# (what is redacted, text that must not survive, text that must survive)
TABLE: list[tuple[str, Any, list[str], list[str]]] = [
    ("card number value", {"cn": CARD}, [CARD], ["****1111"]),
    ("card number as a JSON key", {CARD: "x"}, [CARD], ["****1111"]),
    ("card number as an int", {"n": int(CARD)}, [CARD], ["****1111"]),
    ("grouped card number in text", "card 4444 3333 2222 1111 ok", ["4444 3333"], ["****1111", "ok"]),
    ("full-width digits", f"番号{FULL_WIDTH_CARD}", [FULL_WIDTH_CARD], ["****1111"]),
    ("base64 of a card number", {"blob": base64.b64encode(CARD.encode()).decode()}, ["NDQ0NDMz"], ["***"]),
    ("url-safe base64 of a card", "x=" + base64.urlsafe_b64encode(f"cn:{CARD}".encode()).decode(), ["Y246"], []),
    ("keys cvc csc pan accessKey", {"cvc": "123", "csc": "4567", "pan": CARD, "accessKey": "SeCrEt9"},
     ["123", "4567", CARD, "SeCrEt9"], ["****1111"]),
    ("access_key and token", {"access_key": "SeCrEt9", "token": "tok==", "user_id": "a@b.jp"},
     ["SeCrEt9", "tok=="], ["a@b.jp"]),
    ("urlencoded form", "cvv=987&tkn=abc&fn=TARO", ["987", "abc"], ["fn=TARO"]),
    ("percent-encoded key name", "cv%76=987&access%5Fkey=SeCrEt9", ["987", "SeCrEt9"], []),
    ("multipart body", '--b\r\nContent-Disposition: form-data; name="cvv"\r\n\r\n987\r\n'
     '--b\r\nContent-Disposition: form-data; name="access_key"\r\n\r\nSeCrEt9\r\n--b--',
     ["987", "SeCrEt9"], ["form-data"]),
    ("XML body", "<req><cvv>987</cvv><accessKey>SeCrEt9</accessKey><ns:cn>4444333322221111</ns:cn><fn>TARO</fn></req>",
     ["987", "SeCrEt9", CARD], ["<fn>TARO</fn>"]),
    ("JSON text", '{"security_code": "987", "card_number": "4444-3333-2222-1111"}', ["987", "3333"], ["****1111"]),
    ("deep nesting", deep(5000), ["987"], ["nested too deep"]),
    ("nothing secret", {"fn": "YAMADA", "n": 42}, [], ["YAMADA", "42"]),
]


@pytest.mark.parametrize(("value", "gone", "kept_text"), [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_redaction(value: Any, gone: list[str], kept_text: list[str]) -> None:
    shown = json.dumps(redact(value), ensure_ascii=False)
    for text in gone:
        assert text not in shown, shown[:300]
    for text in kept_text:
        assert text in shown, shown[:300]


def test_a_long_body_is_redacted_before_it_is_cut() -> None:
    body = json.dumps({"pad": "x" * MAX_KEPT_CHARACTERS, "cvv": "987", "access_key": "SeCrEt9"}).encode()
    shown = kept(body)
    assert isinstance(shown, str) and shown.endswith("…(cut)") and "SeCrEt9" not in shown
    huge = b'{"cvv": "987", "pad": "' + b"y" * (9 * MAX_KEPT_CHARACTERS) + b'", "cn": "' + CARD.encode() + b'"}'
    assert "987" not in kept(huge)
