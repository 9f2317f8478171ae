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

from card_redaction import redact_json, redact_text
from harness.core.selectors import Selectors
from harness.targets.billing_api import ApiExchange

# Inputs that may hold card data: masked in every screenshot, whatever they hold at that moment.
CARD_INPUT_SELECTORS = Selectors().card_inputs()
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".zip", ".webm"}


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
    """Rewrite a Playwright trace with card data masked in every text entry (DOM snapshots, network, logs)."""
    secrets = tuple(secrets)
    scrubbed = trace_zip.with_name(trace_zip.stem + "-scrubbed.zip")
    with zipfile.ZipFile(trace_zip) as source, zipfile.ZipFile(scrubbed, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                target.writestr(entry, data)  # images: screenshots are off in traces, so none hold card data
                continue
            target.writestr(entry, _scrub_json_lines(text, secrets).encode("utf-8"))
    trace_zip.unlink()
    return scrubbed


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
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, list):
        return [_scrub_strings(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_strings(item, secrets) for key, item in value.items()}
    return value
