"""Scrubbing what lands under reports/: card data masked, JSON and traces still readable."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from playwright.sync_api import Route, sync_playwright

from harness.core.browser import choose_browser, launch_browser
from harness.reporting.evidence import scrub_text_files, scrub_trace

CARD = "4444333322221111"


def test_result_files_lose_card_numbers_but_keep_their_numbers(tmp_path: Path) -> None:
    result = {"name": f"pays with {CARD}", "start": 1764262784615, "stop": 1764262786020,
              "statusDetails": {"message": f"input #cn still held '{CARD}'"}}
    (tmp_path / "x-result.json").write_text(json.dumps(result))
    (tmp_path / "log.txt").write_text("card 4444 3333 2222 1111 and code 987\n")
    (tmp_path / "shot.png").write_bytes(b"\x89PNG" + CARD.encode())
    changed = scrub_text_files(tmp_path, ("987",))
    assert changed == 2
    scrubbed = json.loads((tmp_path / "x-result.json").read_text())
    assert CARD not in json.dumps(scrubbed) and "****1111" in scrubbed["name"]
    assert scrubbed["start"] == 1764262784615 and isinstance(scrubbed["stop"], int)
    log = (tmp_path / "log.txt").read_text()
    assert "4444 3333 2222 1111" not in log and "987" not in log
    assert (tmp_path / "shot.png").read_bytes().endswith(CARD.encode())  # binaries are left as they are


def test_traces_are_rewritten_with_card_data_masked(tmp_path: Path) -> None:
    trace = tmp_path / "trace.zip"
    with zipfile.ZipFile(trace, "w") as archive:
        archive.writestr("trace.trace", json.dumps({"type": "input", "value": CARD, "wallTime": 1764262784615}) + "\n")
        archive.writestr("resources/page.html", f"<input id=cn value='{CARD}'>")
        archive.writestr("resources/shot.jpeg", b"\xff\xd8binary")
    scrubbed = scrub_trace(trace)
    assert not trace.exists()
    with zipfile.ZipFile(scrubbed) as archive:
        names = archive.namelist()
        text = archive.read("trace.trace").decode() + archive.read("resources/page.html").decode()
        assert archive.read("resources/shot.jpeg") == b"\xff\xd8binary"
    assert sorted(names) == ["resources/page.html", "resources/shot.jpeg", "trace.trace"]
    assert CARD not in text and json.loads(text.splitlines()[0])["wallTime"] == 1764262784615


def test_a_failed_scenarios_trace_holds_no_issued_token(tmp_path: Path) -> None:
    token = "8Fq2ZrX9pLw0Ta71"
    hidden = {"type": "hidden", "id": "tkn", "name": "tkn", "__playwright_value_": token}
    name = {"id": "fn", "name": "fn", "__playwright_value_": "TARO"}
    form = ["FORM", {"id": "pay"}, ["INPUT", hidden], ["INPUT", name]]
    page = ["HTML", {}, ["BODY", {}, form, ["P", {}, f"your token is {token}"]]]
    snapshot = {"type": "frame-snapshot", "snapshot": {"frameUrl": "http://127.0.0.1:8000/shop", "html": page}}
    request = {"type": "resource-snapshot", "snapshot": {
        "request": {"url": f"http://127.0.0.1:8000/done?tkn={token}", "method": "POST",
                    "postData": {"text": f"tkn={token}&fn=TARO", "params": [{"name": "tkn", "value": token}]}},
        "response": {"status": 200, "content": {"_sha1": "answer.json"}}}}
    console = {"type": "console", "text": f"tokenizer said {token}", "time": 1764262784615}
    trace = tmp_path / "trace.zip"
    with zipfile.ZipFile(trace, "w") as archive:
        archive.writestr("trace.trace", json.dumps(snapshot) + "\n" + json.dumps(console) + "\n")
        archive.writestr("trace.network", json.dumps(request) + "\n")
        archive.writestr("resources/answer.json", json.dumps({"resultCode": "Success", "token": token}))
    with zipfile.ZipFile(scrub_trace(trace)) as archive:
        entries = {name: archive.read(name).decode() for name in archive.namelist()}
    assert all(token not in text for text in entries.values()), entries
    frame, logged = (json.loads(line) for line in entries["trace.trace"].splitlines())
    assert "TARO" in json.dumps(frame) and logged["time"] == 1764262784615
    assert json.loads(entries["resources/answer.json"]) == {"resultCode": "Success", "token": "***"}


def test_tokens_given_as_secrets_are_masked_even_where_no_key_names_them(tmp_path: Path) -> None:
    trace = tmp_path / "trace.zip"
    with zipfile.ZipFile(trace, "w") as archive:
        archive.writestr("trace.trace", json.dumps({"type": "console", "text": "sent abcDEF123456"}) + "\n")
    with zipfile.ZipFile(scrub_trace(trace, ["abcDEF123456"])) as archive:
        assert "abcDEF123456" not in archive.read("trace.trace").decode()


SHOP = "<form action='/done' method=post><input type=hidden id=tkn name=tkn><button id=pay>pay</button></form>"
TOKENIZE = """async () => {
  const answer = await (await fetch('http://gateway.test/token', {method: 'POST'})).json();
  document.getElementById('tkn').value = answer.token;
  console.log('token ' + answer.token);
}"""


def test_a_real_trace_of_a_tokenizing_page_holds_no_token_once_scrubbed(tmp_path: Path) -> None:
    token = "Zq81Xt0pLw9Ta7mN"

    def gateway(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json",
                      body=json.dumps({"resultCode": "Success", "token": token}))

    with sync_playwright() as playwright:
        browser = launch_browser(playwright, choose_browser(playwright))
        try:
            context = browser.new_context()
            context.tracing.start(screenshots=False, snapshots=True, sources=False)
            page = context.new_page()
            page.route("http://gateway.test/token", gateway)
            page.route("http://shop.test/**", lambda route: route.fulfill(content_type="text/html", body=SHOP))
            page.goto("http://shop.test/pay")
            page.evaluate(TOKENIZE)
            page.click("#pay")
            context.tracing.stop(path=str(tmp_path / "trace.zip"))
        finally:
            browser.close()
    with zipfile.ZipFile(tmp_path / "trace.zip") as archive:
        assert any(token.encode() in archive.read(name) for name in archive.namelist())  # the test sees a token
    with zipfile.ZipFile(scrub_trace(tmp_path / "trace.zip")) as archive:
        assert [name for name in archive.namelist() if token.encode() in archive.read(name)] == []
