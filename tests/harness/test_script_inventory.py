"""Script inventory (PCI DSS 6.4.3): new and changed scripts are caught, approvals survive a rewrite."""

from __future__ import annotations

import hashlib
import random
import tomllib
from pathlib import Path

import pytest

from harness.core.origins import origin_of
from harness.core.toml_files import toml_string
from harness.merchant.script_inventory import (
    PLACEHOLDER_JUSTIFICATION,
    ApprovedScript,
    InventoryError,
    ScriptRecord,
    compare,
    load_inventory,
    write_inventory,
)

PAGE = "https://shop.example/checkout"
CPTOKEN = "https://credit.j-payment.co.jp/gateway/js/CPToken.js"
JQUERY = "https://credit.j-payment.co.jp/gateway/js/jquery.js"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def external(url: str, content: str) -> ScriptRecord:
    return ScriptRecord.from_content(content, PAGE, url)


def inline(content: str, frame: str = PAGE) -> ScriptRecord:
    return ScriptRecord.from_content(content, frame)


def approved_of(record: ScriptRecord, why: str = "needed") -> ApprovedScript:
    return ApprovedScript(record.origin, record.url, record.sha256, why)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "approved-scripts.toml"
    path.write_text(text, encoding="utf-8")
    return path


def entry(
    url: str = CPTOKEN,
    origin: str = "https://credit.j-payment.co.jp",
    digest: str | None = None,
    why: str = "the gateway's tokeniser",
) -> str:
    return (
        f'[[script]]\norigin = "{origin}"\nurl = "{url}"\nsha256 = "{digest or sha(url)}"\n'
        f'justification = "{why}"\n'
    )


def test_a_record_from_content_hashes_it_and_takes_the_origin_of_the_script() -> None:
    record = ScriptRecord.from_content(b"alert(1)", PAGE, "https://CDN.example:8443/a.js?v=2#frag")
    assert record == ScriptRecord(
        "https://CDN.example:8443/a.js?v=2", "https://cdn.example:8443", sha("alert(1)"), "external", PAGE
    )


def test_an_inline_record_belongs_to_the_origin_of_its_frame() -> None:
    record = inline("var x = 1;", "https://pay.example/frame?x=1")
    assert (record.url, record.origin, record.kind) == (None, "https://pay.example", "inline")


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://a.example/x", "https://a.example"),
        ("HTTP://A.example:80/", "http://a.example:80"),
        ("blob:https://a.example/uuid", "https://a.example"),
        ("about:blank", "null"),
        ("data:text/javascript,1", "null"),
    ],
)
def test_origin_of(url: str, origin: str) -> None:
    assert origin_of(url) == origin


def test_compare_sorts_scripts_into_approved_new_changed_and_missing() -> None:
    token_js = external(CPTOKEN, "v1")
    jquery = external(JQUERY, "jq")
    tracker = external("https://tracker.example/t.js", "t")
    boot = inline("boot()")
    approved = [
        approved_of(token_js),
        approved_of(jquery),
        approved_of(inline("old()")),
        approved_of(external("https://gone.example/g.js", "g")),
    ]
    observed = [external(CPTOKEN, "v2"), jquery, tracker, boot, inline("old()", "https://other.example/")]
    result = compare(observed, approved)
    assert [c.observed.url for c in result.changed] == [CPTOKEN]
    assert result.changed[0].approved.sha256 == sha("v1")
    assert result.new == [tracker, boot]
    assert [r.url for r in result.approved] == [JQUERY, None]
    assert [a.url for a in result.missing] == ["https://gone.example/g.js"]
    assert not result.ok


def test_an_inline_script_is_recognised_by_its_hash_alone() -> None:
    result = compare(
        [inline("same()", "https://a.example/p1")], [approved_of(inline("same()", "https://b.example/"))]
    )
    assert result.ok and len(result.approved) == 1


def test_a_page_with_only_approved_scripts_is_ok_even_if_an_approved_one_is_not_seen() -> None:
    token_js = external(CPTOKEN, "v1")
    result = compare([token_js], [approved_of(token_js), approved_of(external(JQUERY, "jq"))])
    assert result.ok and [a.url for a in result.missing] == [JQUERY]


def test_the_same_script_loaded_twice_is_counted_once() -> None:
    tracker = external("https://tracker.example/t.js", "t")
    again = ScriptRecord.from_content("t", "https://shop.example/iframe", "https://tracker.example/t.js")
    assert compare([tracker, again], []).new == [tracker]


def test_an_approved_url_may_have_two_approved_versions_during_a_rollout() -> None:
    old, new = external(CPTOKEN, "v1"), external(CPTOKEN, "v2")
    result = compare([new], [approved_of(old), approved_of(new)])
    assert result.ok and not result.changed and result.approved == [new]


def test_problems_and_as_dict_describe_what_is_not_approved() -> None:
    result = compare([external(CPTOKEN, "v2"), inline("x()")], [approved_of(external(CPTOKEN, "v1"))])
    problems = result.problems()
    assert problems[0].startswith(
        f"new script, not in the approved inventory: inline script sha256 {sha('x()')}"
    )
    assert problems[1] == f"changed script: {CPTOKEN} now has sha256 {sha('v2')}, approved {sha('v1')}"
    as_dict = result.as_dict()
    assert as_dict["ok"] is False and as_dict["changed"][0]["approved_sha256"] == sha("v1")
    assert as_dict["new"][0]["url"] == "inline"


def test_load_inventory_reads_external_and_inline_entries(tmp_path: Path) -> None:
    text = entry() + "\n" + entry("inline", "https://shop.example", sha("boot()"), "starts the checkout")
    approved = load_inventory(write(tmp_path, text))
    assert approved == [
        ApprovedScript("https://credit.j-payment.co.jp", CPTOKEN, sha(CPTOKEN), "the gateway's tokeniser"),
        ApprovedScript("https://shop.example", None, sha("boot()"), "starts the checkout"),
    ]


def test_an_empty_inventory_approves_nothing(tmp_path: Path) -> None:
    assert load_inventory(write(tmp_path, "# nothing approved yet\n")) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            entry(why=""),
            "script #1 (" + CPTOKEN + "): justification is empty; write why the payment page needs this",
        ),
        (
            entry(why=PLACEHOLDER_JUSTIFICATION),
            "justification is still the placeholder; write why the page needs it",
        ),
        (entry(digest="abc"), "sha256 must be 64 hexadecimal characters, not 'abc'"),
        (
            entry(url="ftp://x.example/a.js", origin="ftp://x.example"),
            'url must be an http(s) address or "inline"',
        ),
        (entry(origin="https://evil.example"), "origin 'https://evil.example' is not the origin of the url"),
        (
            entry(url="inline", origin="shop.example"),
            "origin must look like https://host[:port], not 'shop.example'",
        ),
        (
            entry().replace("justification", "justfication"),
            "unknown key 'justfication' (did you mean 'justification'?)",
        ),
        (entry().replace('sha256 = "', 'sha256 = 1 #"'), "sha256 must be a quoted string"),
        (entry().replace("origin = ", "# origin = "), "origin is missing"),
        (entry() + entry(why="again"), "script #2 (" + CPTOKEN + ") is listed twice; keep one entry"),
        (
            "scripts = []\n",
            "unknown key 'scripts' (did you mean 'script'?); list scripts as [[script]] tables",
        ),
        ('script = "x"\n', "script must be written as [[script]] tables, one per script"),
        ("[[script]\n", "is not valid TOML"),
    ],
)
def test_each_mistake_in_an_inventory_is_named_in_one_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    assert len(caught.value.problems) == 1, caught.value.problems
    line = caught.value.problems[0]
    assert line.startswith(f"{path}: ") and expected in line, line


def test_every_mistake_of_an_inventory_is_reported_at_once(tmp_path: Path) -> None:
    text = entry(why="") + entry(url=JQUERY, digest="zz") + "extra = 1\n"
    path = write(tmp_path, "extra = 1\n" + text.replace("extra = 1\n", ""))
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    assert len(caught.value.problems) == 3
    assert str(caught.value).count("\n") == 2


def test_placeholders_are_accepted_when_asked_for(tmp_path: Path) -> None:
    path = write(tmp_path, entry(why=PLACEHOLDER_JUSTIFICATION))
    assert load_inventory(path, allow_placeholder=True)[0].justification == PLACEHOLDER_JUSTIFICATION


def test_a_missing_inventory_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="no such file; give the path of a script inventory"):
        load_inventory(tmp_path / "absent.toml")


def test_write_inventory_produces_a_file_that_reads_back_with_placeholders_to_fill(tmp_path: Path) -> None:
    observed = [external(CPTOKEN, "v1"), inline("boot()"), external(JQUERY, "jq"), external(JQUERY, "jq")]
    path = write_inventory(observed, tmp_path / "out" / "approved-scripts.toml")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Scripts approved to run on the payment page (PCI DSS 6.4.3).")
    assert f"# inline script in {PAGE}" in text
    approved = load_inventory(path, allow_placeholder=True)
    assert [(a.url, a.sha256, a.justification) for a in approved] == [
        (CPTOKEN, sha("v1"), PLACEHOLDER_JUSTIFICATION),
        (JQUERY, sha("jq"), PLACEHOLDER_JUSTIFICATION),
        (None, sha("boot()"), PLACEHOLDER_JUSTIFICATION),
    ]
    with pytest.raises(InventoryError, match="still the placeholder"):
        load_inventory(path)
    assert compare(observed, approved).ok


def test_rewriting_keeps_justifications_and_flags_changed_and_unseen_scripts(tmp_path: Path) -> None:
    path = tmp_path / "approved-scripts.toml"
    existing = [
        approved_of(external(CPTOKEN, "v1"), "tokenises the card"),
        approved_of(external(JQUERY, "jq"), 'CPToken.js needs "jQuery"\\'),
        approved_of(external("https://gone.example/g.js", "g"), "old widget"),
    ]
    write_inventory([external(CPTOKEN, "v1")], path, existing)
    write_inventory([external(CPTOKEN, "v2"), external(JQUERY, "jq")], path)  # existing: read from the file
    text = path.read_text(encoding="utf-8")
    by_url = {a.url: a for a in load_inventory(path)}
    assert by_url[CPTOKEN] == ApprovedScript(
        "https://credit.j-payment.co.jp", CPTOKEN, sha("v2"), "tokenises the card"
    )
    assert by_url[JQUERY].justification == 'CPToken.js needs "jQuery"\\'
    assert by_url["https://gone.example/g.js"].justification == "old widget"
    assert f"# CHANGED: the approved content had sha256 {sha('v1')}; review this version" in text
    assert "# not seen on the page in the last run" in text


def test_written_inventories_are_in_a_stable_order(tmp_path: Path) -> None:
    observed = [inline("b()"), external(JQUERY, "jq"), inline("a()"), external(CPTOKEN, "v1")]
    first = write_inventory(observed, tmp_path / "a.toml").read_text()
    second = write_inventory(list(reversed(observed)), tmp_path / "b.toml").read_text()
    assert first == second


@pytest.mark.parametrize("seed", range(20))
def test_toml_string_round_trips_any_text(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = [
        '"',
        "\\",
        "\n",
        "\r",
        "\t",
        "\b",
        "\f",
        "\x00",
        "\x1f",
        "\x7f",
        "'",
        "#",
        "=",
        "[",
        "é",
        "決済",
        "😀",
        "a",
        " ",
        "\\u0041",
    ]
    value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
    assert tomllib.loads(f"v = {toml_string(value)}")["v"] == value
