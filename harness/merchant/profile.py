"""Read and check the TOML profile that tells the harness how a merchant's checkout page works."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from card_redaction import luhn_valid, mask_card_number
from harness.core.cards import VENDOR_TEST_CARD, CardInput, next_year_expiry
from harness.core.selectors import Selectors
from harness.core.toml_files import TomlFileError, closest, read_toml, suggestion

MERCHANT_PLACEHOLDER = "{merchant}"
# The reference merchant's checkout id, created by the harness for each run (its example profiles only).
CHECKOUT_PLACEHOLDER = "{checkout}"
PLACEHOLDERS = (MERCHANT_PLACEHOLDER, CHECKOUT_PLACEHOLDER)
MODES = ("popup", "custom")
ACTIONS = ("goto", "click", "fill", "wait_for")
HOLDER_NAME_MAX = 50

_PLACEHOLDER_PROBE = "http://merchant.invalid"
_TOP_KEYS = (
    "name",
    "url",
    "mode",
    "aid",
    "selectors",
    "success",
    "failure",
    "cards",
    "pre_steps",
    "inventory",
    "three_d_secure",
    "webhook",
)
_SUCCESS_KEYS = ("selector", "text", "url")
_FAILURE_KEYS = ("selector", "text", "dialog")
# The profile's [cards] keys and the card field each one sets.
CARD_FIELDS = {"success": "number", "security_code": "security_code", "expiry": "expiry",
               "holder_first": "first_name", "holder_last": "last_name"}
_CARD_KEYS = tuple(CARD_FIELDS)
_STEP_KEYS = ("action", "selector", "value", "url")
_INVENTORY_KEYS = ("scripts", "headers")
_THREE_D_SECURE_KEYS = ("email", "tel")
_WEBHOOK_KEYS = ("url",)
EMAIL_MAX = 100
TEL_MAX = 15
# Which fields each pre-step action needs, and which it may carry.
_STEP_NEEDS = {"goto": ("url",), "click": ("selector",), "fill": ("selector", "value"), "wait_for": ()}
_STEP_ALLOWS = {
    "goto": ("url",),
    "click": ("selector",),
    "fill": ("selector", "value"),
    "wait_for": ("selector", "url"),
}


class ProfileError(TomlFileError):
    """A merchant profile that cannot be used; the message has one line per mistake."""


@dataclass(frozen=True)
class SuccessCriteria:
    """How a finished purchase is recognised: an element, a text on the page, or a URL regular expression."""

    selector: str | None = None
    text: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class FailureCriteria:
    """How a failure message is recognised: an element, a text, or a window.alert dialog."""

    selector: str | None = None
    text: str | None = None
    dialog: bool = True


@dataclass(frozen=True)
class PreStep:
    """One step the browser takes before the checkout page is ready."""

    action: Literal["goto", "click", "fill", "wait_for"]
    selector: str | None = None
    value: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Inventory:
    """Approved baselines of the page, as absolute paths."""

    scripts: Path | None = None
    headers: Path | None = None


@dataclass(frozen=True)
class ThreeDSecure:
    """Whether the profile declares a 3-D Secure page, and the em / pn its page sends to authenticate (when given,
    the authenticate call must carry exactly these)."""

    declared: bool = False
    email: str | None = None
    tel: str | None = None


@dataclass(frozen=True)
class MerchantProfile:
    """Everything the harness needs to drive and judge one merchant checkout page."""

    name: str
    url: str
    mode: Literal["popup", "custom"]
    aid: str
    path: Path
    selectors: Selectors = field(default_factory=Selectors)
    # The card number split over several boxes (four groups of four, say): one selector per box, in order.
    card_number_parts: tuple[str, ...] = ()
    success: SuccessCriteria = field(default_factory=SuccessCriteria)
    failure: FailureCriteria = field(default_factory=FailureCriteria)
    cards: CardInput = field(default_factory=CardInput)
    pre_steps: tuple[PreStep, ...] = ()
    inventory: Inventory = field(default_factory=Inventory)
    three_d_secure: ThreeDSecure = field(default_factory=ThreeDSecure)
    # The merchant's own credit_status_issue webhook endpoint, verified by the webhook-handler check.
    webhook_url: str | None = None

    def card_input_selectors(self) -> tuple[str, ...]:
        """Every element that may hold card data, the boxes of a split card number included."""
        return (*self.selectors.card_inputs(), *self.card_number_parts[1:])

    def expand(self, merchant_base: str) -> MerchantProfile:
        """This profile with "{merchant}" replaced by the base address of the embedded reference merchant."""
        if not _is_http_url(merchant_base):
            raise ValueError(f"merchant base must be an http(s) address, not {merchant_base!r}")
        base = merchant_base.rstrip("/")
        success_url = self.success.url
        if success_url:
            success_url = success_url.replace(MERCHANT_PLACEHOLDER, re.escape(base))
        return dataclasses.replace(
            self,
            url=self.url.replace(MERCHANT_PLACEHOLDER, base),
            webhook_url=self.webhook_url.replace(MERCHANT_PLACEHOLDER, base) if self.webhook_url else None,
            success=dataclasses.replace(self.success, url=success_url),
            pre_steps=tuple(
                dataclasses.replace(step, url=step.url.replace(MERCHANT_PLACEHOLDER, base))
                if step.url
                else step
                for step in self.pre_steps
            ),
        )


def load_profile(
    path: str | Path, today: dt.date | None = None, *, inventory_must_exist: bool = True
) -> MerchantProfile:
    """Read a merchant profile, or raise ProfileError naming every mistake in it at once."""
    path = Path(path)
    shown = str(path)
    data = read_toml(path, shown, "a merchant profile", ProfileError)
    checker = _Checker(shown, inventory_must_exist)
    profile = checker.profile(data, path, today or dt.date.today())
    if checker.problems:
        raise ProfileError(checker.problems)
    assert profile is not None
    return profile



def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return f"the date/time {value}"
    return repr(value)


class _Checker:
    """Collects every mistake of a profile instead of stopping at the first."""

    def __init__(self, shown: str, inventory_must_exist: bool = True) -> None:
        self.shown = shown
        self.problems: list[str] = []
        # Keys an unknown key was probably meant to be: they are not reported missing as well.
        self.misspelt: set[str] = set()
        # False for `python -m harness.merchant.approve`, which is what writes the inventory files.
        self.inventory_must_exist = inventory_must_exist

    def problem(self, message: str) -> None:
        self.problems.append(f"{self.shown}: {message}")

    def known_keys(self, table: Mapping[str, Any], known: tuple[str, ...], prefix: str) -> None:
        for key in table:
            if key in known:
                continue
            close = closest(key, known)
            if close:
                self.misspelt.add(f"{prefix}{close}")
            hint = f"did you mean '{prefix}{close}'?" if close else f"known keys: {', '.join(known)}"
            self.problem(f"unknown key '{prefix}{key}'; {hint}")

    def table(self, data: Mapping[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if isinstance(value, dict):
            return value
        self.problem(f"{key} must be a table ([{key}]), not {_describe(value)}")
        return {}

    def text(
        self, table: Mapping[str, Any], key: str, label: str, *, empty_is_absent: bool = False
    ) -> str | None:
        """A string value; None when it is absent or of the wrong type (the latter reported)."""
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, str):
            self.problem(f"{label} must be a quoted string, not {_describe(value)}")
            return None
        if not value.strip():
            if empty_is_absent:
                return None
            self.problem(f"{label} must not be empty")
            return None
        return value.strip()

    def profile(self, data: dict[str, Any], path: Path, today: dt.date) -> MerchantProfile | None:
        self.known_keys(data, _TOP_KEYS, "")
        name = self.text(data, "name", "name") or path.stem
        url = self.page_url(data)
        mode = self.mode(data)
        aid = self.aid(data)
        selectors, card_number_parts = self.selectors(self.table(data, "selectors"))
        success = self.success(data)
        failure = self.failure(data)
        cards = self.cards(self.table(data, "cards"), today)
        pre_steps = self.pre_steps(data.get("pre_steps", []))
        inventory = self.inventory(self.table(data, "inventory"), path)
        three_d_secure = self.three_d_secure(data.get("three_d_secure", False))
        webhook_url = self.webhook(self.table(data, "webhook"))
        if self.problems or url is None or mode is None or aid is None:
            return None
        return MerchantProfile(
            name=name,
            url=url,
            mode=mode,
            aid=aid,
            path=path.resolve(),
            selectors=selectors,
            card_number_parts=card_number_parts,
            success=success,
            failure=failure,
            cards=cards,
            pre_steps=pre_steps,
            inventory=inventory,
            three_d_secure=three_d_secure,
            webhook_url=webhook_url,
        )

    def page_url(self, data: Mapping[str, Any]) -> str | None:
        if "url" not in data:
            if "url" not in self.misspelt:
                self.problem(
                    'url is missing; give the address of the checkout page, e.g. url = "https://shop.example/checkout"'
                )
            return None
        url = self.text(data, "url", "url")
        return url if url is not None and self.check_url(url, "url") else None

    def check_url(self, url: str, label: str) -> bool:
        unknown = sorted(set(re.findall(r"\{[^{}]*\}", url)) - set(PLACEHOLDERS))
        if unknown:
            self.problem(
                f"{label} has the unknown placeholder {unknown[0]}; "
                f"only {' and '.join(PLACEHOLDERS)} are replaced"
            )
            return False
        if not _is_http_url(url.replace(MERCHANT_PLACEHOLDER, _PLACEHOLDER_PROBE)):
            self.problem(f"{label} must be an address starting with http:// or https://, not {url!r}")
            return False
        return True

    def mode(self, data: Mapping[str, Any]) -> Literal["popup", "custom"] | None:
        if "mode" not in data:
            if "mode" not in self.misspelt:
                self.problem('mode is missing; write mode = "popup" or mode = "custom"')
            return None
        mode = self.text(data, "mode", "mode")
        if mode is None:
            return None
        if mode not in MODES:
            self.problem(f"mode must be 'popup' or 'custom', not {mode!r}")
            return None
        return "popup" if mode == "popup" else "custom"

    def aid(self, data: Mapping[str, Any]) -> str | None:
        if "aid" not in data:
            if "aid" not in self.misspelt:
                self.problem('aid is missing; give the 6-digit shop id (店舗ID), e.g. aid = "123456"')
            return None
        value = data["aid"]
        if isinstance(value, int) and not isinstance(value, bool):
            self.problem(f'aid must be in quotes, e.g. aid = "{value:06d}", not the number {value}')
            return None
        aid = self.text(data, "aid", "aid")
        if aid is None:
            return None
        if not re.fullmatch(r"[0-9]{6}", aid):
            self.problem(f"aid must be 6 digits (the shop id of the payment system), not {aid!r}")
            return None
        return aid

    def selectors(self, table: dict[str, Any]) -> tuple[Selectors, tuple[str, ...]]:
        """The selectors, and the card number's boxes when card_number lists one selector per group of digits."""
        names = tuple(f.name for f in dataclasses.fields(Selectors))
        self.known_keys(table, names, "selectors.")
        chosen = {}
        parts: tuple[str, ...] = ()
        split = table.get("card_number")
        if isinstance(split, list):
            if len(split) < 2 or not all(isinstance(part, str) and part.strip() for part in split):
                self.problem('selectors.card_number must be one selector, or a list of at least two (one per box '
                             'of digits), e.g. card_number = ["#cn1", "#cn2", "#cn3", "#cn4"]')
            else:
                parts = tuple(part.strip() for part in split)
                chosen["card_number"] = parts[0]
        for key in names:
            if key == "card_number" and isinstance(split, list):
                continue
            value = self.text(table, key, f"selectors.{key}")
            if value is not None:
                chosen[key] = value
        return Selectors(**chosen), parts

    def success(self, data: Mapping[str, Any]) -> SuccessCriteria:
        hint = "so the harness can tell that the purchase went through"
        if "success" not in data:
            if "success" not in self.misspelt:
                self.problem(f"[success] is missing; give at least one of selector, text or url {hint}")
            return SuccessCriteria()
        table = self.table(data, "success")
        self.known_keys(table, _SUCCESS_KEYS, "success.")
        values = {key: self.text(table, key, f"success.{key}", empty_is_absent=True) for key in _SUCCESS_KEYS}
        if values["url"] is not None:
            try:
                re.compile(values["url"])
            except re.error as error:
                self.problem(f"success.url is not a valid regular expression ({error})")
        only_known_keys = set(table) <= set(_SUCCESS_KEYS)
        if isinstance(data.get("success"), dict) and not any(values.values()) and only_known_keys:
            self.problem(f"success needs at least one of selector, text or url {hint}")
        return SuccessCriteria(**values)

    def failure(self, data: Mapping[str, Any]) -> FailureCriteria:
        if "failure" not in data:
            return FailureCriteria()  # the vendor's sample shows errMsg with window.alert
        table = self.table(data, "failure")
        self.known_keys(table, _FAILURE_KEYS, "failure.")
        selector = self.text(table, "selector", "failure.selector", empty_is_absent=True)
        text = self.text(table, "text", "failure.text", empty_is_absent=True)
        dialog = table.get("dialog", False)
        well_formed = set(table) <= set(_FAILURE_KEYS) and isinstance(dialog, bool)
        if not isinstance(dialog, bool):
            self.problem(f"failure.dialog must be true or false, not {_describe(dialog)}")
            dialog = False
        if isinstance(data.get("failure"), dict) and not (selector or text or dialog) and well_formed:
            self.problem("failure needs a selector, a text or dialog = true to recognise the error message")
        return FailureCriteria(selector=selector, text=text, dialog=dialog)

    def cards(self, table: dict[str, Any], today: dt.date) -> CardInput:
        self.known_keys(table, _CARD_KEYS, "cards.")
        chosen: dict[str, str] = {}
        card = None
        if _is_number(table.get("success")):
            self.problem(f'cards.success must be in quotes, e.g. success = "{VENDOR_TEST_CARD}"')
        else:
            card = self.text(table, "success", "cards.success")
        if card is not None:
            digits = re.sub(r"[ \-]", "", card)
            if not digits.isascii() or not digits.isdigit():
                self.problem("cards.success must be digits only (spaces or hyphens between groups are fine)")
            elif len(digits) != 16:
                self.problem(f"cards.success must be 16 digits, not {len(digits)}")
            elif not luhn_valid(digits):
                masked = mask_card_number(digits)
                self.problem(f"cards.success {masked} fails the card check digit (Luhn); check it for a typo")
            else:
                chosen["success"] = digits
        code_hint = 'e.g. security_code = "123"'
        if _is_number(table.get("security_code")):
            self.problem(f"cards.security_code must be in quotes, {code_hint}")
        elif (code := self.text(table, "security_code", "cards.security_code")) is not None:
            if re.fullmatch(r"[0-9]{3,4}", code):
                chosen["security_code"] = code
            else:
                self.problem(f"cards.security_code must be 3 or 4 digits, {code_hint}")
        chosen["expiry"] = self.expiry(table, today)
        for key, label in (("holder_first", "cards.holder_first"), ("holder_last", "cards.holder_last")):
            holder = self.text(table, key, label)
            if holder is None:
                continue
            if len(holder) > HOLDER_NAME_MAX:
                self.problem(f"{label} must be at most {HOLDER_NAME_MAX} characters, not {len(holder)}")
            else:
                chosen[key] = holder
        return CardInput(**{CARD_FIELDS[key]: value for key, value in chosen.items()})

    def expiry(self, table: Mapping[str, Any], today: dt.date) -> str:
        next_year = next_year_expiry(today)
        expiry = self.text(table, "expiry", "cards.expiry")
        if expiry is None or expiry == "auto":
            return next_year
        match = re.fullmatch(r"([0-9]{2})(0[1-9]|1[0-2])", expiry)
        if not match:
            self.problem(f'cards.expiry must be "auto" or YYMM (e.g. "{next_year}"), not {expiry!r}')
            return next_year
        if (2000 + int(match[1]), int(match[2])) < (today.year, today.month):
            self.problem(f'cards.expiry {expiry} is in the past; use "auto" or a month from {today:%y%m} on')
        return expiry

    def pre_steps(self, value: Any) -> tuple[PreStep, ...]:
        if not isinstance(value, list) or not all(isinstance(step, dict) for step in value):
            self.problem("pre_steps must be written as [[pre_steps]] tables, one per step")
            return ()
        steps = []
        for number, table in enumerate(value, start=1):
            step = self.pre_step(table, f"pre_steps #{number}")
            if step is not None:
                steps.append(step)
        return tuple(steps)

    def pre_step(self, table: dict[str, Any], label: str) -> PreStep | None:
        before = len(self.problems)
        self.known_keys(table, _STEP_KEYS, f"{label} ")
        action = self.text(table, "action", f"{label} action")
        if action is None:
            if "action" not in table:
                self.problem(f"{label} has no action; use one of {', '.join(ACTIONS)}")
            return None
        if action not in ACTIONS:
            hint = suggestion(action, ACTIONS)
            self.problem(f"{label} action must be one of {', '.join(ACTIONS)}, not {action!r}{hint}")
            return None
        fields = {key: self.text(table, key, f"{label} {key}") for key in ("selector", "url") if key in table}
        if "value" in table:
            # Typed as written: an empty value clears a field, spaces may matter.
            fields["value"] = table["value"] if isinstance(table["value"], str) else None
            if fields["value"] is None:
                self.problem(f"{label} value must be a quoted string, not {_describe(table['value'])}")
        for key in _STEP_NEEDS[action]:
            if key not in table:
                self.problem(f"{label} ({action}) needs a {key}")
        if action == "wait_for" and not ({"selector", "url"} & set(table)):
            self.problem(f"{label} (wait_for) needs a selector or a url to wait for")
        for key in fields:
            if key not in _STEP_ALLOWS[action]:
                self.problem(f"{label} ({action}) does not use {key}; remove it")
        if fields.get("url") is not None and action == "goto":
            self.check_url(fields["url"], f"{label} url")
        if len(self.problems) > before:
            return None
        return PreStep(action=action, **fields)  # type: ignore[arg-type]

    def inventory(self, table: dict[str, Any], path: Path) -> Inventory:
        self.known_keys(table, _INVENTORY_KEYS, "inventory.")
        found: dict[str, Path] = {}
        for key in _INVENTORY_KEYS:
            relative = self.text(table, key, f"inventory.{key}")
            if relative is None:
                continue
            target = (path.parent / relative).resolve()
            if not target.is_file() and self.inventory_must_exist:
                self.problem(
                    f"inventory.{key} file {relative!r} does not exist (looked for {target}); "
                    "the path is relative to the profile"
                )
            else:
                found[key] = target
        return Inventory(**found)

    def three_d_secure(self, value: Any) -> ThreeDSecure:
        """three_d_secure = true, or a [three_d_secure] table giving the email / tel the page sends as em / pn."""
        if isinstance(value, bool):
            return ThreeDSecure(declared=value)
        if not isinstance(value, dict):
            self.problem(f"three_d_secure must be true, false or a [three_d_secure] table, not {_describe(value)}")
            return ThreeDSecure()
        self.known_keys(value, _THREE_D_SECURE_KEYS, "three_d_secure.")
        email = self.text(value, "email", "three_d_secure.email")
        if email is not None and (len(email) > EMAIL_MAX or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
            self.problem(f"three_d_secure.email must be an e-mail address of at most {EMAIL_MAX} characters, "
                         f"not {email!r}")
        tel = self.text(value, "tel", "three_d_secure.tel")
        if tel is not None and not re.fullmatch(rf"[0-9]{{1,{TEL_MAX}}}", tel):
            self.problem(f"three_d_secure.tel must be the phone number as the page sends it as pn: digits only, no "
                         f"hyphens, at most {TEL_MAX}, not {tel!r}")
        return ThreeDSecure(declared=True, email=email, tel=tel)

    def webhook(self, table: dict[str, Any]) -> str | None:
        """[webhook] url: the merchant's credit_status_issue endpoint ("{merchant}" allowed)."""
        self.known_keys(table, _WEBHOOK_KEYS, "webhook.")
        url = self.text(table, "url", "webhook.url")
        if url is None:
            if table and "url" not in table and "url" not in {k.removeprefix("webhook.") for k in self.misspelt}:
                self.problem('[webhook] needs url, the address of the handler, e.g. url = "https://shop.example/rp"')
            return None
        return url if self.check_url(url, "webhook.url") else None
