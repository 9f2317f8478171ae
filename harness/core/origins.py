"""Origins of addresses: what the browser's same-origin rule, the gateway checks and the probes compare."""

from __future__ import annotations

from urllib.parse import urlsplit


def origin_of(url: str) -> str:
    """scheme://host[:port] of an address, lower-cased; "null" for addresses without a host."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
    if parts.scheme == "blob":
        return origin_of(url[len("blob:") :])
    return "null"
