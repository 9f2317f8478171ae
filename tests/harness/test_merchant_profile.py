"""Merchant profiles: defaults from the vendor's samples, and every mistake named at once, one line each."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from harness.core.cards import CardInput
from harness.core.selectors import Selectors
from harness.merchant.profile import (
    FailureCriteria,
    Inventory,
    PreStep,
    ProfileError,
    SuccessCriteria,
    load_profile,
)

TODAY = dt.date(2026, 11, 27)
MINIMAL = """
url = "https://shop.example/checkout"
mode = "custom"
aid = "123456"
[success]
text = "Thank you"
"""
FULL = """
name = "Reference merchant — custom mode"
url = "{merchant}/checkout/{checkout}/custom"
mode = "popup"
aid = "012345"

[selectors]
token = "#token"
card_number = "input[name=card]"
expiry_year = "#yy"
expiry_month = "#mm"
first_name = "#first"
last_name = "#last"
security_code = "#code"
card_frame = "#frame iframe"
purchase = "button.buy"

[success]
selector = "#result-code"
text = "Success"
url = "{merchant}/done/\\\\d+"

[failure]
selector = "#error-message"
text = "エラー"
dialog = false

[cards]
success = "4111 1111 1111 1111"
security_code = "1234"
expiry = "2812"
holder_first = "HANAKO"
holder_last = "SATO"

[[pre_steps]]
action = "goto"
url = "{merchant}/login"

[[pre_steps]]
action = "fill"
selector = "#user"
value = "  spaced  "

[[pre_steps]]
action = "click"
selector = "#login"

[[pre_steps]]
action = "wait_for"
url = "**/checkout/**"

[inventory]
scripts = "baselines/approved-scripts.toml"
headers = "baselines/approved-headers.toml"
"""


def write(tmp_path: Path, text: str, name: str = "profile.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path, today=TODAY)
    lines = str(caught.value).splitlines()
    assert lines == caught.value.problems
    assert all(line.startswith(f"{path}: ") for line in lines)
    return [line.removeprefix(f"{path}: ") for line in lines]


def with_baselines(tmp_path: Path) -> None:
    (tmp_path / "baselines").mkdir()
    (tmp_path / "baselines" / "approved-scripts.toml").write_text("")
    (tmp_path / "baselines" / "approved-headers.toml").write_text("")


def test_a_minimal_profile_takes_the_vendor_sample_defaults(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL), today=TODAY)
    assert profile.name == "profile"
    assert profile.selectors == Selectors()
    assert (profile.selectors.token, profile.selectors.card_number, profile.selectors.card_frame) == (
        "#tkn",
        "#cn",
        "#CARD_INPUT_FORM iframe",
    )
    assert profile.failure == FailureCriteria(dialog=True)
    assert profile.success == SuccessCriteria(text="Thank you")
    assert profile.cards == CardInput("4444333322221111", "2711", "TARO", "YAMADA", "123")
    assert (profile.cards.expiry_year, profile.cards.expiry_month) == ("27", "11")
    assert profile.pre_steps == () and profile.inventory == Inventory()
    assert profile.path == (tmp_path / "profile.toml").resolve()


def test_every_field_of_a_full_profile_is_read(tmp_path: Path) -> None:
    with_baselines(tmp_path)
    profile = load_profile(write(tmp_path, FULL), today=TODAY)
    assert profile.name == "Reference merchant — custom mode"
    assert (profile.url, profile.mode, profile.aid) == (
        "{merchant}/checkout/{checkout}/custom",
        "popup",
        "012345",
    )
    assert profile.selectors == Selectors(
        "#token", "input[name=card]", "#yy", "#mm", "#first", "#last", "#code", "#frame iframe", "button.buy"
    )
    assert profile.success == SuccessCriteria("#result-code", "Success", "{merchant}/done/\\d+")
    assert profile.failure == FailureCriteria("#error-message", "エラー", False)
    assert profile.cards == CardInput("4111111111111111", "2812", "HANAKO", "SATO", "1234")
    assert profile.pre_steps == (
        PreStep("goto", url="{merchant}/login"),
        PreStep("fill", selector="#user", value="  spaced  "),
        PreStep("click", selector="#login"),
        PreStep("wait_for", url="**/checkout/**"),
    )
    assert profile.inventory == Inventory(
        (tmp_path / "baselines/approved-scripts.toml").resolve(),
        (tmp_path / "baselines/approved-headers.toml").resolve(),
    )


def test_expand_puts_the_reference_merchant_address_everywhere_it_is_asked_for(tmp_path: Path) -> None:
    with_baselines(tmp_path)
    profile = load_profile(write(tmp_path, FULL), today=TODAY).expand("http://127.0.0.1:8001/")
    assert profile.url == "http://127.0.0.1:8001/checkout/{checkout}/custom"
    assert profile.pre_steps[0].url == "http://127.0.0.1:8001/login"
    assert profile.pre_steps[3].url == "**/checkout/**"
    assert re.fullmatch(profile.success.url or "", "http://127.0.0.1:8001/done/42")
    assert not re.fullmatch(profile.success.url or "", "http://127a0a0a1:8001/done/42")


def test_expand_refuses_a_base_that_is_not_an_address(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL), today=TODAY)
    with pytest.raises(ValueError, match="http"):
        profile.expand("127.0.0.1:8001")


def test_profiles_are_frozen(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL), today=TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.url = "https://elsewhere.example"  # type: ignore[misc]


def test_a_missing_file_is_named_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile(tmp_path / "nope.toml")
    assert (
        str(caught.value)
        == f"{tmp_path / 'nope.toml'}: no such file; give the path of a merchant profile (.toml)"
    )


def test_a_directory_is_not_a_profile(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="is a directory"):
        load_profile(tmp_path)


def test_a_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, 'url = "https://x.example"\nmode = \n')
    assert len(problems) == 1 and problems[0].startswith("is not valid TOML") and "line 2" in problems[0]


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "profile.toml"
    path.write_bytes('name = "ショップ"'.encode("shift_jis"))
    with pytest.raises(ProfileError, match="UTF-8"):
        load_profile(path)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ('mdoe = "x"', "unknown key 'mdoe'; did you mean 'mode'?"),
        ('[selectors]\ntokn = "#t"', "unknown key 'selectors.tokn'; did you mean 'selectors.token'?"),
        (
            '[cards]\nsecurity_cod = "123"',
            "unknown key 'cards.security_cod'; did you mean 'cards.security_code'?",
        ),
        ("[failure]\ndailog = true", "unknown key 'failure.dailog'; did you mean 'failure.dialog'?"),
        (
            '[inventory]\nscript = "a.toml"',
            "unknown key 'inventory.script'; did you mean 'inventory.scripts'?",
        ),
        ('[selector]\ntoken = "#t"', "unknown key 'selector'; did you mean 'selectors'?"),
        (
            'zzz = "x"',
            "unknown key 'zzz'; known keys: name, url, mode, aid, selectors, success, failure, "
            "cards, pre_steps, inventory",
        ),
        ('[selectors]\ncard_number = ""', "selectors.card_number must not be empty"),
        ('[selectors]\npurchase = "   "', "selectors.purchase must not be empty"),
        ("[selectors]\ntoken = 5", "selectors.token must be a quoted string, not the number 5"),
        ('selectors = "#tkn"', "selectors must be a table ([selectors]), not '#tkn'"),
        ('[failure]\ndialog = "yes"', "failure.dialog must be true or false, not 'yes'"),
        (
            '[failure]\nselector = ""',
            "failure needs a selector, a text or dialog = true to recognise the error message",
        ),
        (
            '[cards]\nsuccess = "4444333322221112"',
            "cards.success ****1112 fails the card check digit (Luhn); check it for a typo",
        ),
        ('[cards]\nsuccess = "444433332222111"', "cards.success must be 16 digits, not 15"),
        (
            '[cards]\nsuccess = "4444x33322221111"',
            "cards.success must be digits only (spaces or hyphens between",
        ),
        (
            "[cards]\nsuccess = 4444333322221111",
            'cards.success must be in quotes, e.g. success = "4444333322221111"',
        ),
        (
            '[cards]\nsecurity_code = "12"',
            'cards.security_code must be 3 or 4 digits, e.g. security_code = "123"',
        ),
        ("[cards]\nsecurity_code = 123", 'cards.security_code must be in quotes, e.g. security_code = "123"'),
        ('[cards]\nexpiry = "2613"', 'cards.expiry must be "auto" or YYMM (e.g. "2711"), not \'2613\''),
        ('[cards]\nexpiry = "12/27"', 'cards.expiry must be "auto" or YYMM (e.g. "2711"), not \'12/27\''),
        ('[cards]\nexpiry = "2610"', 'cards.expiry 2610 is in the past; use "auto" or a month from 2611 on'),
        (f'[cards]\nholder_first = "{"A" * 51}"', "cards.holder_first must be at most 50 characters, not 51"),
        ('[cards]\nholder_last = ""', "cards.holder_last must not be empty"),
        ('[inventory]\nscripts = "missing.toml"', "inventory.scripts file 'missing.toml' does not exist"),
    ],
)
def test_each_mistake_in_a_section_is_named(tmp_path: Path, change: str, expected: str) -> None:
    problems = problems_of(
        tmp_path,
        MINIMAL.replace("[success]", f"{change}\n[success]", 1)
        if not change.startswith("[")
        else MINIMAL + change,
    )
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems[0]


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (
            'url = "ftp://shop.example/x"',
            "url must be an address starting with http:// or https://, not 'ftp://shop.example/x'",
        ),
        ('url = "shop.example/checkout"', "url must be an address starting with http:// or https://"),
        (
            'url = "{shop}/checkout"',
            "url has the unknown placeholder {shop}; only {merchant} and {checkout} are replaced",
        ),
        ('url = ""', "url must not be empty"),
        ('mode = "popups"', "mode must be 'popup' or 'custom', not 'popups'"),
        ("mode = 1", "mode must be a quoted string, not the number 1"),
        ('aid = "12345"', "aid must be 6 digits (the shop id of the payment system), not '12345'"),
        ('aid = "12345a"', "aid must be 6 digits"),
        ("aid = 123456", 'aid must be in quotes, e.g. aid = "123456", not the number 123456'),
        ("name = 3", "name must be a quoted string, not the number 3"),
    ],
)
def test_each_mistake_at_the_top_is_named(tmp_path: Path, top: str, expected: str) -> None:
    key = top.split(" ", 1)[0]
    text = re.sub(rf"(?m)^{key} = .*$", top, MINIMAL) if f"\n{key} =" in MINIMAL else top + MINIMAL
    problems = problems_of(tmp_path, text)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems[0]


@pytest.mark.parametrize(
    ("missing", "expected"),
    [
        ("url", "url is missing; give the address of the checkout page"),
        ("mode", 'mode is missing; write mode = "popup" or mode = "custom"'),
        ("aid", "aid is missing; give the 6-digit shop id"),
    ],
)
def test_required_keys_are_named_when_missing(tmp_path: Path, missing: str, expected: str) -> None:
    problems = problems_of(tmp_path, re.sub(rf"(?m)^{missing} = .*$", "", MINIMAL))
    assert len(problems) == 1 and problems[0].startswith(expected)


def test_a_profile_without_a_success_criterion_is_refused(tmp_path: Path) -> None:
    assert problems_of(tmp_path, MINIMAL.split("[success]")[0]) == [
        "[success] is missing; give at least one of selector, text or url "
        "so the harness can tell that the purchase went through"
    ]
    empty = MINIMAL.replace('text = "Thank you"', 'url = ""')
    assert problems_of(tmp_path, empty) == [
        "success needs at least one of selector, text or url "
        "so the harness can tell that the purchase went through"
    ]


def test_a_success_url_must_be_a_regular_expression(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, MINIMAL + 'url = "/done/(["\n')
    assert len(problems) == 1 and problems[0].startswith("success.url is not a valid regular expression")


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (
            'action = "tap"\nselector = "#a"',
            "pre_steps #1 action must be one of goto, click, fill, wait_for, not 'tap'",
        ),
        (
            'action = "clik"\nselector = "#a"',
            "pre_steps #1 action must be one of goto, click, fill, wait_for, "
            "not 'clik' (did you mean 'click'?)",
        ),
        ('selector = "#a"', "pre_steps #1 has no action; use one of goto, click, fill, wait_for"),
        ('action = "goto"', "pre_steps #1 (goto) needs a url"),
        ('action = "click"', "pre_steps #1 (click) needs a selector"),
        ('action = "fill"\nselector = "#a"', "pre_steps #1 (fill) needs a value"),
        (
            'action = "fill"\nselector = "#a"\nvalue = 3',
            "pre_steps #1 value must be a quoted string, not the number 3",
        ),
        ('action = "wait_for"', "pre_steps #1 (wait_for) needs a selector or a url to wait for"),
        (
            'action = "click"\nselector = "#a"\nurl = "https://x.example"',
            "pre_steps #1 (click) does not use url; remove it",
        ),
        (
            'action = "goto"\nurl = "javascript:alert(1)"',
            "pre_steps #1 url must be an address starting with http://",
        ),
        (
            'action = "click"\nselectr = "#a"',
            "unknown key 'pre_steps #1 selectr'; did you mean 'pre_steps #1 selector'?",
        ),
    ],
)
def test_each_mistake_in_a_pre_step_is_named(tmp_path: Path, step: str, expected: str) -> None:
    problems = problems_of(tmp_path, f"{MINIMAL}\n[[pre_steps]]\n{step}\n")
    assert problems[0].startswith(expected), problems


def test_pre_steps_must_be_tables(tmp_path: Path) -> None:
    assert problems_of(tmp_path, 'pre_steps = ["goto"]\n' + MINIMAL) == [
        "pre_steps must be written as [[pre_steps]] tables, one per step"
    ]


def test_every_mistake_is_reported_at_once_one_line_each(tmp_path: Path) -> None:
    text = """
mdoe = "custom"
url = "ftp://x"
aid = "12"
[selectors]
token = ""
[cards]
success = "1234"
expiry = "9999"
[[pre_steps]]
action = "jump"
[inventory]
headers = "absent.toml"
"""
    problems = problems_of(tmp_path, text)
    starts = [
        "unknown key 'mdoe'",
        "url must be an address",
        "aid must be 6 digits",
        "selectors.token must not be empty",
        "[success] is missing",
        "cards.success must be 16 digits",
        "cards.expiry must be",
        "pre_steps #1 action must be one of",
        "inventory.headers file 'absent.toml' does not exist",
    ]
    assert len(problems) == len(starts)
    for line, start in zip(problems, starts, strict=True):
        assert line.startswith(start), (line, start)
    assert all("Traceback" not in line and "\n" not in line for line in problems)


def test_a_misspelt_key_is_not_reported_missing_as_well(tmp_path: Path) -> None:
    text = MINIMAL.replace("mode =", "mdoe =").replace("[success]", "[sucess]")
    assert problems_of(tmp_path, text) == [
        "unknown key 'mdoe'; did you mean 'mode'?",
        "unknown key 'sucess'; did you mean 'success'?",
    ]


def test_a_real_card_typed_by_mistake_is_never_echoed_in_full(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, MINIMAL + '[cards]\nsuccess = "4111111111111112"\n')
    assert "4111111111111112" not in problems[0] and "****1112" in problems[0]


def test_inventory_files_need_not_exist_when_the_caller_is_about_to_write_them(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + '[inventory]\nscripts = "new/approved-scripts.toml"\n')
    profile = load_profile(path, today=TODAY, inventory_must_exist=False)
    assert profile.inventory.scripts == (tmp_path / "new/approved-scripts.toml").resolve()


def test_the_auto_expiry_is_a_year_ahead_of_today(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL + '[cards]\nexpiry = "auto"\n'), today=dt.date(2029, 1, 5))
    assert profile.cards.expiry == "3001"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_card_number_split_over_boxes_is_one_selector_per_box(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL + '[selectors]\ncard_number = ["#cn1", "#cn2", "#cn3", "#cn4"]\n')
    profile = load_profile(path, TODAY)
    assert profile.card_number_parts == ("#cn1", "#cn2", "#cn3", "#cn4")
    assert profile.selectors.card_number == "#cn1"
    assert {"#cn2", "#cn3", "#cn4"} <= set(profile.card_input_selectors())
    with pytest.raises(ProfileError, match="selectors.card_number must be one selector, or a list"):
        load_profile(_write(tmp_path, MINIMAL + '[selectors]\ncard_number = ["#cn1"]\n'), TODAY)


def test_the_readme_profiles_load_as_written(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Verifying a merchant's own checkout page"):readme.index("## Reading the report")]
    blocks = re.findall(r"```toml\n(.*?)```", section, re.DOTALL)
    names = []
    for number, block in enumerate(blocks):
        path = tmp_path / f"readme-{number}.toml"
        path.write_text(block, encoding="utf-8")
        names.append(load_profile(path, TODAY, inventory_must_exist=False).name)
    assert "Checkout with select boxes" in names and "Checkout by fetch" in names
