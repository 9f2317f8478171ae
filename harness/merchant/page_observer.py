"""Everything a merchant page did that the card-data checks judge: console, sockets, navigations, scripts, storage."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import BrowserContext, Frame, Page, Response, WebSocket

from harness.core.origins import origin_of
from harness.merchant.script_inventory import ScriptRecord
from harness.merchant.three_d_secure import AuthenticateCall, is_authenticate

# Records which script assigned window.CPToken: document.currentScript is that script while it runs.
_TOKENIZER_TRAP = """
(() => {
  let value;
  try {
    Object.defineProperty(window, 'CPToken', {
      configurable: true, enumerable: true,
      get() { return value; },
      set(v) {
        value = v;
        const script = document.currentScript;
        const where = script ? (script.src || 'inline script of ' + location.href) : 'unknown script';
        try { window.__rpTokenizerDefined(where); } catch (e) {}
      },
    });
  } catch (e) {}
})();
"""

_STORAGE_DUMP = """
async () => {
  const dump = {localStorage: {}, sessionStorage: {}, indexedDB: {}};
  for (const area of ['localStorage', 'sessionStorage']) {
    try {
      const s = window[area];
      for (let i = 0; i < s.length; i++) { const k = s.key(i); dump[area][k] = s.getItem(k); }
    } catch (e) {}
  }
  try {
    const dbs = indexedDB.databases ? await indexedDB.databases() : [];
    for (const info of dbs) {
      const db = await new Promise((ok, no) => {
        const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = no;
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await new Promise((ok) => {
          const r = db.transaction(store, 'readonly').objectStore(store).getAll();
          r.onsuccess = () => ok(r.result); r.onerror = () => ok([]);
        });
        dump.indexedDB[info.name + '/' + store] = JSON.stringify(rows);
      }
      db.close();
    }
  } catch (e) {}
  return dump;
}
"""

_INLINE_SCRIPTS = "() => Array.from(document.scripts).filter(s => !s.src).map(s => s.textContent)"


@dataclass
class PageObserver:
    """Install on a browser context before the first page; read after the flow."""

    console: list[str] = field(default_factory=list)
    socket_frames: list[tuple[str, str]] = field(default_factory=list)
    navigations: list[str] = field(default_factory=list)
    tokenizer_sources: list[str] = field(default_factory=list)
    script_responses: list[Response] = field(default_factory=list)
    document_responses: list[Response] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    # What the gateway's token endpoint answered, in order: (resultCode, token or "").
    gateway_answers: list[tuple[str, str]] = field(default_factory=list)
    gateway_requests: int = 0
    # The page's 3-D Secure authenticate calls, and every request's (time, method, url) to order them.
    authenticate_calls: list[AuthenticateCall] = field(default_factory=list)
    request_log: list[tuple[float, str, str]] = field(default_factory=list)
    gateway_origin: str = ""
    # time.monotonic() of the last request, console line, page error or gateway answer: "settled" is quiet.
    last_activity: float = field(default_factory=time.monotonic)
    last_gateway_answer: float = 0.0

    def install(self, context: BrowserContext) -> PageObserver:
        context.expose_binding("__rpTokenizerDefined", lambda source, where: self.tokenizer_sources.append(where))
        context.add_init_script(_TOKENIZER_TRAP)
        context.on("page", self._watch)
        for page in context.pages:
            self._watch(page)
        return self

    def _watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("websocket", self._watch_socket)
        page.on("framenavigated", lambda frame: self.navigations.append(frame.url))
        page.on("response", self._on_response)
        page.on("request", self._on_request)
        page.on("pageerror", self._on_page_error)

    def _on_console(self, message: Any) -> None:
        self.console.append(f"{message.type}: {message.text}")
        self.last_activity = time.monotonic()

    def _on_page_error(self, error: Any) -> None:
        self.page_errors.append(str(getattr(error, "message", error)).splitlines()[0][:300])
        self.last_activity = time.monotonic()

    def _on_request(self, request: Any) -> None:
        self.last_activity = time.monotonic()
        self.request_log.append((self.last_activity, request.method, request.url))
        if self._is_token_endpoint(request.url):
            self.gateway_requests += 1
        if is_authenticate(request.url, request.method, self.gateway_origin):
            self.authenticate_calls.append(AuthenticateCall(_json_object(_post_data(request)), self.last_activity))

    def _is_token_endpoint(self, url: str) -> bool:
        return bool(self.gateway_origin) and origin_of(url) == self.gateway_origin and "/token" in url

    def tokens(self) -> list[str]:
        """Every token the gateway handed out in this run."""
        return [token for _, token in self.gateway_answers if token]

    def last_answer(self) -> str:
        """The gateway's last resultCode, or "" when it never answered."""
        return self.gateway_answers[-1][0] if self.gateway_answers else ""

    def _watch_socket(self, socket: WebSocket) -> None:
        socket.on("framesent", lambda payload: self.socket_frames.append((socket.url, _text(payload))))

    def _on_response(self, response: Response) -> None:
        if response.request.method == "POST" and self._is_token_endpoint(response.url):
            try:
                body = response.json()
            except Exception:  # not JSON: the page's tokenizer reports ER000
                body = {}
            body = body if isinstance(body, dict) else {}
            self.gateway_answers.append((str(body.get("resultCode") or f"HTTP {response.status}"),
                                         str(body.get("token") or "")))
            self.last_gateway_answer = self.last_activity = time.monotonic()
        if is_authenticate(response.url, response.request.method, self.gateway_origin):
            self._on_authenticate_answer(response)
        kind = response.request.resource_type
        if kind == "script":
            self.script_responses.append(response)
        elif kind == "document":
            self.document_responses.append(response)

    def _on_authenticate_answer(self, response: Response) -> None:
        # Timed before reading the body: while it is read, the page may already be submitting.
        answered_at = self.last_activity = time.monotonic()
        pending = [call for call in self.authenticate_calls if call.answered_at is None]
        if not pending:
            return
        call = pending[0]
        call.answered_at = answered_at
        try:
            body = response.json()
        except Exception:  # the page navigated away first (the probe saw the answer), or not JSON
            body = {}
        body = body if isinstance(body, dict) else {}
        call.result_code = str(body.get("resultCode") or ("" if response.status == 200 else f"HTTP {response.status}"))
        call.challenge = bool(body.get("challenge"))

    def times_of(self, urls: set[str]) -> list[float]:
        """When requests to any of urls (the page's submissions) left, in order."""
        return [at for at, _, url in self.request_log if url in urls]

    def page_headers(self, url: str) -> dict[str, str] | None:
        """Response headers of the last document served for url (the payment page); None if it was not seen."""
        for response in reversed(self.document_responses):
            if response.url.split("#")[0] == url.split("#")[0]:
                return response.all_headers()
        return None

    def scripts_on(self, page: Page, excluded_origin: str) -> list[ScriptRecord]:
        """Every script that ran on the page and its frames, except frames served by excluded_origin."""
        records: list[ScriptRecord] = []
        seen: set[tuple[str | None, str]] = set()
        for response in self.script_responses:
            frame_url = _frame_url(response)
            if origin_of(frame_url) == excluded_origin:
                continue
            try:
                digest = hashlib.sha256(response.body()).hexdigest()
            except Exception:  # a response whose body is gone (redirect, aborted)
                continue
            key = (response.url, digest)
            if key not in seen:
                seen.add(key)
                records.append(ScriptRecord(url=response.url, origin=origin_of(response.url), sha256=digest,
                                            kind="external", frame_url=frame_url))
        for frame in page.frames:
            if origin_of(frame.url) == excluded_origin or not frame.url.startswith("http"):
                continue
            for text in _safe_evaluate(frame, _INLINE_SCRIPTS, []):
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
                if (None, digest) not in seen:
                    seen.add((None, digest))
                    records.append(ScriptRecord(url=None, origin=origin_of(frame.url), sha256=digest,
                                                kind="inline", frame_url=frame.url))
        return records

    def storage(self, context: BrowserContext) -> dict[str, dict[str, str]]:
        """localStorage, sessionStorage and IndexedDB of every open frame, keyed by frame origin."""
        dumps: dict[str, dict[str, str]] = {}
        for page in context.pages:
            for frame in page.frames:
                if not frame.url.startswith("http"):
                    continue
                dump = _safe_evaluate(frame, _STORAGE_DUMP, {})
                for area, items in dump.items():
                    for key, value in items.items():
                        dumps.setdefault(f"{area} of {origin_of(frame.url)}", {})[key] = value
        return dumps


def _post_data(request: Any) -> str:
    try:
        return request.post_data or ""
    except Exception:  # a body that is not UTF-8
        return ""


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _frame_url(response: Response) -> str:
    try:
        return response.frame.url
    except Exception:
        return response.url


def _safe_evaluate(frame: Frame, script: str, default: Any) -> Any:
    try:
        return frame.evaluate(script)
    except Exception:  # a frame that navigated away or was detached
        return default


def _text(payload: str | bytes) -> str:
    return payload if isinstance(payload, str) else payload.decode("utf-8", errors="replace")
