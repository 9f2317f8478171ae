"""Security headers (PCI DSS 11.6.1): every drop, addition or change reported, cosmetic differences not."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.merchant.security_headers import (
    FRAME_ANCESTORS,
    SNAPSHOT_KEYS,
    BaselineError,
    HeaderChange,
    compare,
    frame_ancestors,
    load_baseline,
    snapshot,
    write_baseline,
)

CSP = "default-src 'self'; script-src 'self' https://credit.j-payment.co.jp; frame-ancestors 'none'"
APPROVED_HEADERS = {
    "Content-Security-Policy": CSP,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Type": "text/html",
}


def test_snapshot_keeps_the_tracked_headers_lower_cased_and_marks_the_missing_ones() -> None:
    taken = snapshot(APPROVED_HEADERS)
    assert list(taken) == list(SNAPSHOT_KEYS)
    assert taken == {
        "content-security-policy": CSP,
        "strict-transport-security": "max-age=31536000; includeSubDomains",
        "x-frame-options": "deny",
        "referrer-policy": "strict-origin-when-cross-origin",
        "permissions-policy": None,
        "frame-ancestors": "'none'",
    }


def test_snapshot_joins_repeated_headers_given_as_pairs() -> None:
    pairs = [
        ("content-security-policy", "default-src 'self'"),
        ("Content-Security-Policy", "frame-ancestors https://a.example"),
    ]
    taken = snapshot(pairs)
    assert taken["content-security-policy"] == "default-src 'self', frame-ancestors https://a.example"
    assert taken[FRAME_ANCESTORS] == "https://a.example"


@pytest.mark.parametrize(
    ("csp", "expected"),
    [
        (None, None),
        ("default-src 'self'", None),
        ("FRAME-ANCESTORS  'self'   https://shop.example ; default-src *", "'self' https://shop.example"),
        ("frame-ancestors", "(no sources)"),
        ("frame-ancestors 'self', frame-ancestors 'none'", "'self', 'none'"),
        ("default-src 'self'; frame-ancestors-x 'self'", None),
    ],
)
def test_frame_ancestors_is_read_out_of_the_policy(csp: str | None, expected: str | None) -> None:
    assert frame_ancestors(csp) == expected


def test_an_unchanged_page_reports_nothing() -> None:
    assert compare(snapshot(APPROVED_HEADERS), snapshot(APPROVED_HEADERS)) == []


def test_whitespace_and_token_case_are_not_changes() -> None:
    reformatted = {
        "content-security-policy": "default-src  'self' ;script-src 'self'   https://credit.j-payment.co.jp;"
        "frame-ancestors 'none';",
        "strict-transport-security": "max-age=31536000;includeSubDomains",
        "x-frame-options": "deny",
        "referrer-policy": " strict-origin-when-cross-origin ",
    }
    assert compare(snapshot(reformatted), snapshot(APPROVED_HEADERS)) == []


def test_a_dropped_header_is_reported_with_what_was_approved() -> None:
    observed = {k: v for k, v in APPROVED_HEADERS.items() if k != "X-Frame-Options"}
    assert compare(snapshot(observed), snapshot(APPROVED_HEADERS)) == [
        HeaderChange("x-frame-options", "deny", None, "dropped")
    ]


def test_an_added_header_is_reported() -> None:
    observed = {**APPROVED_HEADERS, "Permissions-Policy": "payment=(self)"}
    assert compare(snapshot(observed), snapshot(APPROVED_HEADERS)) == [
        HeaderChange("permissions-policy", None, "payment=(self)", "added")
    ]


def test_a_weaker_frame_ancestors_is_reported_on_its_own_besides_the_policy() -> None:
    observed = {**APPROVED_HEADERS, "Content-Security-Policy": CSP.replace("'none'", "*")}
    changes = compare(snapshot(observed), snapshot(APPROVED_HEADERS))
    assert [(c.name, c.kind) for c in changes] == [
        ("content-security-policy", "changed"),
        (FRAME_ANCESTORS, "changed"),
    ]
    assert (changes[1].approved, changes[1].observed) == ("'none'", "*")


def test_a_policy_change_elsewhere_leaves_frame_ancestors_alone() -> None:
    observed = {
        **APPROVED_HEADERS,
        "Content-Security-Policy": CSP.replace("script-src 'self'", "script-src *"),
    }
    changes = compare(snapshot(observed), snapshot(APPROVED_HEADERS))
    assert [(c.name, c.kind) for c in changes] == [("content-security-policy", "changed")]


def test_dropping_the_policy_drops_frame_ancestors_too() -> None:
    observed = {k: v for k, v in APPROVED_HEADERS.items() if k != "Content-Security-Policy"}
    changes = compare(snapshot(observed), snapshot(APPROVED_HEADERS))
    assert [(c.name, c.kind) for c in changes] == [
        ("content-security-policy", "dropped"),
        (FRAME_ANCESTORS, "dropped"),
    ]


def test_compare_accepts_a_partial_hand_made_baseline() -> None:
    changes = compare(snapshot(APPROVED_HEADERS), {"X-Frame-Options": "DENY"})
    assert {c.name for c in changes} == {
        "content-security-policy",
        "strict-transport-security",
        "referrer-policy",
        FRAME_ANCESTORS,
    }
    assert all(c.kind == "added" for c in changes)


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (
            HeaderChange("x-frame-options", "deny", None, "dropped"),
            "x-frame-options was dropped (approved: 'deny')",
        ),
        (
            HeaderChange("referrer-policy", None, "unsafe-url", "added"),
            "referrer-policy was added: 'unsafe-url' (approved: absent)",
        ),
        (
            HeaderChange(FRAME_ANCESTORS, "'none'", "*", "changed"),
            "frame-ancestors changed from \"'none'\" to '*'",
        ),
    ],
)
def test_a_change_reads_as_one_line(change: HeaderChange, line: str) -> None:
    assert change.describe() == line


def test_a_written_baseline_reads_back_as_the_same_snapshot(tmp_path: Path) -> None:
    taken = snapshot(
        {**APPROVED_HEADERS, "Permissions-Policy": 'payment=(self "https://x.example"), camera=()'}
    )
    path = write_baseline(
        taken, tmp_path / "deep" / "approved-headers.toml", page="https://shop.example/checkout"
    )
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Approved security headers of the payment page (PCI DSS 11.6.1).")
    assert 'page = "https://shop.example/checkout"' in text and "absent = []" in text
    assert load_baseline(path) == taken


def test_absent_headers_are_written_as_such_and_read_back_as_none(tmp_path: Path) -> None:
    taken = snapshot({"X-Frame-Options": "SAMEORIGIN"})
    path = write_baseline(taken, tmp_path / "h.toml")
    absent = '"content-security-policy", "strict-transport-security", "referrer-policy", "permissions-policy"'
    assert f"absent = [{absent}]" in path.read_text()
    loaded = load_baseline(path)
    assert loaded == taken and loaded[FRAME_ANCESTORS] is None


def test_a_hand_written_baseline_is_normalised_like_a_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "h.toml"
    path.write_text(
        '[headers]\n"Content-Security-Policy" = "frame-ancestors  \'self\' ;"\nx-frame-options = "DENY"\n'
    )
    loaded = load_baseline(path)
    assert loaded["content-security-policy"] == "frame-ancestors 'self'"
    assert loaded[FRAME_ANCESTORS] == "'self'" and loaded["x-frame-options"] == "deny"
    assert loaded["referrer-policy"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[headers]\ncontent-security-polcy = "x"',
            "headers: 'content-security-polcy' is not a tracked header "
            "(did you mean 'content-security-policy'?)",
        ),
        (
            '[headers]\nx-powered-by = "php"',
            "headers: 'x-powered-by' is not a tracked header; the tracked ones are",
        ),
        (
            "[headers]\nframe-ancestors = \"'none'\"",
            "frame-ancestors is read from content-security-policy; remove it",
        ),
        (
            '[headers]\nx-frame-options = ""',
            "headers.x-frame-options must be a non-empty quoted string, or be in absent",
        ),
        ("[headers]\nx-frame-options = 1", "headers.x-frame-options must be a non-empty quoted string"),
        (
            'absent = ["x-frame-options"]\n[headers]\nx-frame-options = "deny"',
            "x-frame-options is both in [headers] and in absent; keep one",
        ),
        ('absent = "x-frame-options"', "absent must be a list of header names"),
        ('absent = ["x-frame-option"]', "absent: 'x-frame-option' is not a tracked header (did you mean"),
        ('header = "x"', "unknown key 'header' (did you mean 'headers'?)"),
        ("page = 3", "page must be a quoted address"),
        ('headers = "x"', "headers must be a table ([headers])"),
        ("[headers\n", "is not valid TOML"),
    ],
)
def test_each_mistake_in_a_baseline_is_named_in_one_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "approved-headers.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BaselineError) as caught:
        load_baseline(path)
    assert len(caught.value.problems) == 1, caught.value.problems
    assert caught.value.problems[0].startswith(f"{path}: ") and expected in caught.value.problems[0]


def test_every_mistake_of_a_baseline_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "approved-headers.toml"
    path.write_text('extra = 1\nabsent = ["nope"]\n[headers]\nx-frame-options = ""\n', encoding="utf-8")
    with pytest.raises(BaselineError) as caught:
        load_baseline(path)
    assert len(caught.value.problems) == 3


def test_a_missing_baseline_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="no such file; give the path of a header baseline"):
        load_baseline(tmp_path / "absent.toml")
