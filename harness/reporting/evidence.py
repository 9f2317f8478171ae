"""Evidence for reviewers: redacted API exchanges, masked screenshots and scrubbed traces in Allure."""

from __future__ import annotations

import contextlib
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import allure
import pytest
from playwright.sync_api import BrowserContext, Page

from card_redaction import MASK, is_sensitive_key, redact_json, redact_text
from harness.core.selectors import Selectors
from harness.targets.billing_api import ApiExchange

# Inputs that may hold card data: masked in every screenshot, whatever they hold at that moment.
CARD_INPUT_SELECTORS = Selectors().card_inputs()
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".zip", ".webm"}
# Keys (compared without case, "_" and "-") whose values are the gateway's card tokens.
TOKEN_KEYS = frozenset({"tkn", "token", "tokenkey"})
# Where a DOM snapshot or a name/value list keeps what an element or a field holds.
VALUE_KEYS = ("value", "__playwright_value_")


def attach_json(name: str, value: Any, secrets: Iterable[str] = ()) -> None:
    body = json.dumps(redact_json(value, tuple(secrets)), ensure_ascii=False, indent=2)
    allure.attach(body, name=name, attachment_type=allure.attachment_type.JSON)


def attach_exchange(exchange: ApiExchange, secrets: Iterable[str] = ()) -> None:
    """Attach what was sent and what came back, masked, as two attachments."""
    secrets = tuple(secrets)
    attach_json(f"request: {exchange.method} {exchange.url}", exchange.request_body, secrets)
    answer = exchange.json if exchange.json is not None else exchange.response_text
    attach_json(f"response: HTTP {exchange.status} in {exchange.elapsed_ms:.0f} ms", answer, secrets)


def attach_screenshot(page: Page, name: str, mask_selectors: Sequence[str] = CARD_INPUT_SELECTORS) -> None:
    """A full-page screenshot with every card input painted over, in the page and in its frames."""
    masks = [page.locator(selector) for selector in mask_selectors]
    for frame in page.frames[1:]:
        masks.extend(frame.locator(selector) for selector in mask_selectors)
    try:
        png = page.screenshot(full_page=True, mask=masks, animations="disabled")
    except Exception as exc:  # a closed or navigating page must not hide the real outcome
        allure.attach(f"screenshot not taken: {type(exc).__name__}", name=name,
                      attachment_type=allure.attachment_type.TEXT)
        return
    allure.attach(png, name=name, attachment_type=allure.attachment_type.PNG)


@contextlib.contextmanager
def failure_evidence(context: BrowserContext, tracing: str, failed: Callable[[], bool],
                     secrets: Iterable[str] = ()) -> Iterator[None]:
    """Trace the context; when the scenario failed, attach a masked screenshot of every page and the
    trace with card data masked. tracing is "retain-on-failure" or "off"."""
    traced = tracing == "retain-on-failure"
    if traced:
        context.tracing.start(screenshots=False, snapshots=True, sources=False)
    yield
    if not failed():
        if traced:
            context.tracing.stop()
        return
    for page in context.pages:
        attach_screenshot(page, "page at failure")
    if traced:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "trace.zip"
            context.tracing.stop(path=str(path))
            allure.attach.file(str(scrub_trace(path, secrets)), name="Playwright trace (card data masked)",
                               extension="zip")


def scrub_trace(trace_zip: Path, secrets: Iterable[str] = ()) -> Path:
    """Rewrite a Playwright trace with card data masked in every text entry (DOM snapshots, network, logs).

    Tokens are masked too: every value the trace shows under a tkn/token/tokenKey key (the gateway's JSON
    answers, an ``<input id|name="tkn">`` in a DOM snapshot, a form field) is added to the secrets, so the
    same token is masked wherever else it appears (addresses, page text, console)."""
    scrubbed = trace_zip.with_name(trace_zip.stem + "-scrubbed.zip")
    with zipfile.ZipFile(trace_zip) as source, zipfile.ZipFile(scrubbed, "w", zipfile.ZIP_DEFLATED) as target:
        texts: dict[str, str] = {}
        for entry in source.infolist():
            try:
                texts[entry.filename] = source.read(entry).decode("utf-8")
            except UnicodeDecodeError:
                pass  # images: screenshots are off in traces, so none hold card data
        every_secret = (*secrets, *sorted({token for text in texts.values() for token in _tokens_in_text(text)}))
        for entry in source.infolist():
            if entry.filename in texts:
                target.writestr(entry, _scrub_json_lines(texts[entry.filename], every_secret).encode("utf-8"))
            else:
                target.writestr(entry, source.read(entry))
    trace_zip.unlink()
    return scrubbed


def tokens_in(value: Any) -> set[str]:
    """The card tokens a JSON value holds: strings under a tkn/token/tokenKey key, or the value of an
    element or field whose id or name is one (a DOM snapshot's attributes, a name/value pair)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if _is_token_key(key) and isinstance(item, str) and item:
                found.add(item)
            else:
                found |= tokens_in(item)
        if any(_is_token_key(value.get(name)) for name in ("id", "name")):
            found |= {value[key] for key in VALUE_KEYS if isinstance(value.get(key), str) and value[key]}
    elif isinstance(value, list):
        for item in value:
            found |= tokens_in(item)
    return {token for token in found if token != MASK}


def _is_token_key(key: Any) -> bool:
    return isinstance(key, str) and key.lower().replace("_", "").replace("-", "") in TOKEN_KEYS


def _tokens_in_text(text: str) -> set[str]:
    found: set[str] = set()
    for line in text.split("\n"):
        if "tkn" in line.lower() or "token" in line.lower():
            try:
                found |= tokens_in(json.loads(line))
            except ValueError:
                continue
    return found


def scrub_failure_text(report: pytest.TestReport, secrets: Iterable[str] = ()) -> None:
    """Mask card data and the run's secrets in a failed test's report text (its traceback and, with
    --showlocals, its frames' variables), which pytest prints and Allure and JUnit keep."""
    shown = str(report.longrepr)
    clean = redact_text(shown, tuple(secrets))
    if clean != shown:
        report.longrepr = clean


def scrub_text_files(folder: Path, secrets: Iterable[str] = ()) -> int:
    """Mask card data in every text file below folder (results, attachments); returns how many changed.

    JSON files are scrubbed string by string: their numbers (Allure's millisecond timestamps are 13
    digits, and some pass the Luhn check) are data, not card numbers.
    """
    secrets = tuple(secrets)
    changed = 0
    for path in folder.rglob("*"):
        if not path.is_file() or path.suffix.lower() in BINARY_SUFFIXES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        clean = _scrub_json(text, secrets) if path.suffix.lower() == ".json" else redact_text(text, secrets)
        if clean != text:
            path.write_text(clean, encoding="utf-8")
            changed += 1
    return changed


def _scrub_json_lines(text: str, secrets: tuple[str, ...]) -> str:
    """Trace entries are JSON documents, one per line; each is scrubbed like a JSON file."""
    return "\n".join(_scrub_json(line, secrets) if line.strip() else line for line in text.split("\n"))


def _scrub_json(text: str, secrets: tuple[str, ...]) -> str:
    try:
        value = json.loads(text)
    except ValueError:
        return redact_text(text, secrets)
    clean = _scrub_strings(value, secrets)
    return text if clean == value else json.dumps(clean, ensure_ascii=False)


def _scrub_strings(value: Any, secrets: tuple[str, ...]) -> Any:
    """Strings masked one by one, and whole values under sensitive keys (as redact_json masks them);
    numbers elsewhere are kept."""
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, list):
        return [_scrub_strings(item, secrets) for item in value]
    if isinstance(value, dict):
        # A DOM element or a name/value pair whose id or name is sensitive: its value is masked as under that key.
        named = next((value[name] for name in ("id", "name")
                      if isinstance(value.get(name), str) and is_sensitive_key(value[name])), None)
        scrubbed: dict[Any, Any] = {}
        for key, item in value.items():
            sensitive = named if key in VALUE_KEYS and named else key if isinstance(key, str) else None
            if sensitive is not None and is_sensitive_key(sensitive):
                scrubbed[key] = next(iter(redact_json({sensitive: item}, secrets).values()))
            else:
                scrubbed[key] = _scrub_strings(item, secrets)
        return scrubbed
    return value
