"""The page a token request comes from, as the real gateway sees it: the origin of the browser's Referer."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request


def origin_of(url: object) -> str | None:
    """scheme://host[:port] of an http(s) URL, or None for anything else (an empty or stripped referer)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def referer_origin(request: Request) -> str | None:
    """The origin of the request's Referer header: what the page's referrer policy let the browser send.

    The Origin header is not enough: a page whose Referrer-Policy (or <meta name="referrer">) strips the
    referer still sends Origin, and the real gateway then answers ER002 (店舗設定からリファラーURLを設定してください).
    """
    return origin_of(request.headers.get("referer"))
