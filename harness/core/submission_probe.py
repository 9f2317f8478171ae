"""Watches what leaves the browser: every request, and the card inputs at the instant a form is submitted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, unquote_plus

from playwright.sync_api import BrowserContext, Request

from harness.core.origins import origin_of

# Runs in every page and frame before the page's own scripts. It snapshots the card inputs of the
# document when a form is submitted — by the user (submit event, capture phase), by script
# (form.submit(), which fires no event, and form.requestSubmit()) — and reports it to the harness.
_PROBE_SCRIPT = """
(() => {
  const selectors = %(selectors)s;
  let counter = 0;
  const send = (message) => { try { window.__rpSubmitSnapshot(JSON.stringify(message)); } catch (e) {} };
  const report = (form, how) => {
    const inputs = [];
    for (const selector of selectors) {
      for (const el of document.querySelectorAll(selector)) {
        inputs.push({selector, id: el.id || null, name: el.name || null, value: el.value});
      }
    }
    const fields = form ? Array.from(new FormData(form).entries()).map(([k, v]) => [k, String(v)]) : [];
    const id = location.href + '#' + (++counter);
    send({id, how, url: location.href, form_id: form && form.id || null,
          action: form && form.action || null, inputs, fields, time: Date.now()});
    return id;
  };
  // A submit event a handler cancels (preventDefault) sends nothing: it is marked prevented afterwards.
  document.addEventListener('submit', (event) => {
    const id = report(event.target, 'submit event');
    setTimeout(() => { if (event.defaultPrevented) send({prevented: id}); }, 0);
  }, true);
  const nativeSubmit = HTMLFormElement.prototype.submit;
  HTMLFormElement.prototype.submit = function () { report(this, 'form.submit()'); return nativeSubmit.call(this); };
  // A page may carry the token away by script instead (fetch, XMLHttpRequest, $.ajax, sendBeacon): the card
  // inputs are snapshotted at the call too, with where it goes and what it carries, as a "call".
  const bodyText = (body) => {
    try {
      if (body == null) return '';
      if (typeof body === 'string') return body;
      if (body instanceof URLSearchParams) return body.toString();
      if (body instanceof FormData) return Array.from(body.entries()).map(([k, v]) => k + '=' + String(v)).join('&');
    } catch (e) {}
    return '';
  };
  const call = (how, method, target, body) => {
    try {
      const inputs = [];
      for (const selector of selectors) {
        for (const el of document.querySelectorAll(selector)) {
          inputs.push({selector, id: el.id || null, name: el.name || null, value: el.value});
        }
      }
      const resolved = new URL(String(target), location.href).href;
      send({call: true, id: location.href + '#call' + (++counter), how, url: location.href, method, target: resolved,
            body: bodyText(body), inputs, time: Date.now()});
    } catch (e) {}
  };
  if (window.fetch) {
    const nativeFetch = window.fetch;
    window.fetch = function (input, init) {
      const target = input && input.url ? input.url : input;
      const method = (init && init.method) || (input && input.method) || 'GET';
      call('fetch', String(method).toUpperCase(), target, init && init.body);
      return nativeFetch.apply(this, arguments);
    };
  }
  const nativeOpen = XMLHttpRequest.prototype.open;
  const nativeSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, target) {
    this.__rpCall = [String(method).toUpperCase(), target];
    return nativeOpen.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function (body) {
    if (this.__rpCall) call('XMLHttpRequest', this.__rpCall[0], this.__rpCall[1], body);
    // The gateway's answer to the tokenizer ({resultCode, token}), read here because a page that navigates
    // in its callback leaves no response body for the harness to read afterwards.
    this.addEventListener('load', () => {
      try {
        const answer = JSON.parse(this.responseText);
        if (answer && typeof answer.resultCode === 'string') {
          const token = typeof answer.token === 'string' ? answer.token : '';
          send({answer: true, resultCode: answer.resultCode, token, target: this.responseURL});
        }
      } catch (e) {}
    });
    return nativeSend.apply(this, arguments);
  };
  // A navigation (location.href = ..., a link) may carry the token in its address; form posts are snapshotted above.
  if (window.navigation && window.navigation.addEventListener) {
    window.navigation.addEventListener('navigate', (event) => {
      if (!event.formData && event.destination) call('navigation', 'GET', event.destination.url, '');
    });
  }
  if (navigator.sendBeacon) {
    const nativeBeacon = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = function (target, data) { call('navigator.sendBeacon', 'POST', target, data);
                                                     return nativeBeacon(target, data); };
  }
})();
"""


@dataclass(frozen=True)
class SentRequest:
    url: str
    method: str
    headers: dict[str, str]
    body: str | None
    resource_type: str
    is_navigation: bool

    @property
    def origin(self) -> str:
        return origin_of(self.url)


@dataclass
class SubmissionProbe:
    """Install once per browser context; read after the scenario acted."""

    card_selectors: tuple[str, ...]
    requests: list[SentRequest] = field(default_factory=list)
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    # Script calls that sent something (fetch, XHR, sendBeacon), each with the card inputs at that instant.
    calls: list[dict[str, Any]] = field(default_factory=list)
    # JSON answers with a resultCode that XHRs of the page or its frames received (the tokenizer's, above all).
    answers: list[dict[str, Any]] = field(default_factory=list)

    def install(self, context: BrowserContext) -> SubmissionProbe:
        context.expose_binding("__rpSubmitSnapshot", self._on_snapshot)
        context.add_init_script(_PROBE_SCRIPT % {"selectors": json.dumps(list(self.card_selectors))})
        context.on("request", self._on_request)
        return self

    def _on_snapshot(self, source: dict[str, Any], payload: str) -> None:
        message = json.loads(payload)
        if message.get("call"):
            self.calls.append(message)
            return
        if message.get("answer"):
            self.answers.append(message)
            return
        if "prevented" in message:
            for snapshot in self.snapshots:
                if snapshot["id"] == message["prevented"]:
                    snapshot["prevented"] = True
            return
        self.snapshots.append(message)

    def _on_request(self, request: Request) -> None:
        try:
            body = request.post_data
        except Exception:  # binary bodies that are not UTF-8
            body = None
        self.requests.append(SentRequest(request.url, request.method, dict(request.headers), body,
                                         request.resource_type, request.is_navigation_request()))

    def form_posts(self, origin: str) -> list[SentRequest]:
        """Form submissions (navigations with a body) that went to the given origin."""
        return [r for r in self.requests if r.origin == origin and r.method == "POST" and r.is_navigation]

    def page_snapshots(self, gateway_origin: str) -> list[dict[str, Any]]:
        """Submissions of the merchant's forms that went ahead (not cancelled by a handler); the gateway's
        own card form, in its frame, is not the merchant's."""
        return [snap for snap in self.snapshots
                if origin_of(snap.get("url") or "") != gateway_origin and not snap.get("prevented")]

    def issued_tokens(self, gateway_origin: str) -> list[str]:
        """Tokens the gateway handed to the page's tokenizer."""
        return [answer["token"] for answer in self.answers
                if answer.get("token") and origin_of(answer.get("target") or "") == gateway_origin]

    def calls_carrying(self, values: Sequence[str], gateway_origin: str) -> list[dict[str, Any]]:
        """Script calls to any origin but the gateway whose address or body holds one of values (a token)."""
        wanted = [value for value in values if value]

        def carries(call: dict[str, Any]) -> bool:
            target, body = call.get("target") or "", call.get("body") or ""
            texts = (target, unquote(target), body, unquote_plus(body))
            return any(value in text for value in wanted for text in texts)

        return [call for call in self.calls if origin_of(call.get("target") or "") != gateway_origin and carries(call)]

    def requests_outside(self, gateway_origin: str) -> list[SentRequest]:
        return [r for r in self.requests if r.origin != gateway_origin and not r.url.startswith("data:")]

