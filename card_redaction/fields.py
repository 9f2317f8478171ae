"""Sensitive fields the key scan does not read: multipart parts, XML elements, percent-encoded keys, base64."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from card_redaction.keys import MASK, is_sensitive_key, mask_value

# A part's Content-Disposition line, its first name= (atomic: later ones are not tried, so it stays linear),
# up to 8 more header lines, a blank line, and the value's first line.
MULTIPART_FIELD = re.compile(
    r"""(?im)^content-disposition:(?>[^\r\n]*?(?<![a-z])name\s*=)\s*"?(?P<key>[^";\r\n]++)"?[^\r\n]*+\r?\n"""
    r"""(?:[^\r\n]+\r?\n){0,8}\r?\n(?P<value>[^\r\n]*)"""
)
XML_ELEMENT = re.compile(r"<(?P<tag>[A-Za-z_][\w:.\-]*)(?:\s[^<>]*)?>(?P<value>[^<]*)</(?P=tag)\s*>")
# A key with a percent-escape in its name, then = or :, then its value (cv%76=987, access%5Fkey: k).
ENCODED_KEY_VALUE = re.compile(
    r"(?<![A-Za-z0-9_%.\-])(?P<key>[A-Za-z0-9_.\-]*+(?:%[0-9A-Fa-f]{2}[A-Za-z0-9_.\-]*+)++)"
    r"\s*(?:[:=]|%3[AaDd])\s*(?P<value>[^\"'&,;\s}<\]%]*+)"
)
BASE64_BLOB = re.compile(r"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{16,}+={0,2}")


def mask_multipart_fields(text: str) -> str:
    """Mask the value of every multipart form field whose name is sensitive."""
    if "content-disposition" not in text.lower():
        return text
    return MULTIPART_FIELD.sub(lambda m: _with_value(m, _masked(m["key"], m["value"])), text)


def mask_xml_elements(text: str) -> str:
    """Mask the text of every XML element whose (namespace-less) tag is sensitive: <cvv>987</cvv>, <ns:cn>…</ns:cn>."""
    if "</" not in text:
        return text
    return XML_ELEMENT.sub(lambda m: _with_value(m, _masked(m["tag"].rsplit(":", 1)[-1], m["value"])), text)


def mask_encoded_keys(text: str) -> str:
    """Mask values after keys whose names are percent-encoded (cv%76=987, access%5Fkey=…)."""
    if "%" not in text:
        return text
    return ENCODED_KEY_VALUE.sub(lambda m: _with_value(m, _masked(m["key"], m["value"])), text)


def mask_base64(text: str, hides_card_data: Callable[[str], bool]) -> str:
    """Replace by *** every base64 blob (standard or URL-safe) whose decoded text hides card data."""
    return BASE64_BLOB.sub(lambda m: MASK if _decodes_to_card_data(m.group(0), hides_card_data) else m.group(0), text)


def _decodes_to_card_data(blob: str, hides_card_data: Callable[[str], bool]) -> bool:
    if blob.isdigit():
        return False
    bare = blob.rstrip("=")
    padded = bare + "=" * (-len(bare) % 4)
    try:
        decoded = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return False
    return hides_card_data(decoded.decode("latin-1"))


def _masked(key: str, value: str) -> str | None:
    if not value or not is_sensitive_key(key):
        return None
    masked = mask_value(key, value)
    return None if masked == value else masked


def _with_value(match: re.Match[str], masked: str | None) -> str:
    """The match with its `value` group replaced by masked (unchanged when None)."""
    if masked is None:
        return match.group(0)
    start, end = match.span("value")
    offset = match.start()
    whole = match.group(0)
    return whole[: start - offset] + masked + whole[end - offset :]
