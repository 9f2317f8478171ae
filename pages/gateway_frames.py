"""The gateway's frames on a merchant page (the popup card form, the 3-D Secure challenge) as the merchant page
itself sees them: which origin a frame really has, and whether the page's own script can read into it."""

from __future__ import annotations

from playwright.sync_api import Page

from harness.core.origins import origin_of

_READ_INTO_FRAME = """([frameSelector, inputSelector]) => {
  const frame = document.querySelector(frameSelector);
  if (!frame) return 'no frame';
  try {
    const doc = frame.contentDocument;
    if (doc === null) return 'blocked: contentDocument is null';
    const input = doc.querySelector(inputSelector);
    return input ? 'readable: ' + input.value : 'readable document without ' + inputSelector;
  } catch (e) {
    return e.name === 'SecurityError' ? 'blocked: SecurityError' : 'error: ' + e.name;
  }
}"""


def frame_origin(page: Page, frame_selector: str) -> str | None:
    """The origin the frame really has (not what its src attribute says); None without the frame."""
    handle = page.query_selector(frame_selector)
    frame = handle.content_frame() if handle else None
    return origin_of(frame.url) if frame else None


def read_from_merchant_side(page: Page, frame_selector: str, input_selector: str) -> str:
    """What the merchant page's own script gets when it reads an input inside the frame: "blocked: ..." only when
    the browser refuses (no contentDocument, or a SecurityError)."""
    return page.evaluate(_READ_INTO_FRAME, [frame_selector, input_selector])
