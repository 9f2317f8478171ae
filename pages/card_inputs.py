"""The merchant page's own card inputs (custom mode): typed or chosen like a customer would."""

from __future__ import annotations

from collections.abc import Sequence

from playwright.sync_api import Locator, Page

from harness.core.cards import CardInput
from harness.core.selectors import Selectors

# How long a card input may take to appear before the harness says the profile's selector is wrong.
APPEAR_MS = 3_000
# The tag and maxlength of the first element each selector names, or null (an invalid selector names nothing):
# one round trip for every card input of the page.
_SHAPES = """(selectors) => selectors.map((selector) => {
  let e = null;
  try { e = document.querySelector(selector); } catch (error) { return null; }
  return e ? [e.tagName.toLowerCase(), e.maxLength > 0 ? e.maxLength : 0] : null;
})"""


class MissingCardInput(LookupError):
    """The page has no element where the selectors say a card input is."""

    def __init__(self, selector: str) -> None:
        super().__init__(f"the page has no card input {selector!r}")
        self.selector = selector


class UnusableCardInput(LookupError):
    """A card input the harness cannot fill: not an input or select, or a select without the card's value."""

    def __init__(self, selector: str, why: str) -> None:
        super().__init__(f"the card input {selector!r} {why}")
        self.selector = selector


class MerchantCardInputs:
    """cn (one box, or one box per group of digits), ed_year, ed_month, fn, ln and (when the page asks) cvv,
    wherever the selectors put them: text, tel, number and password inputs are typed into, <select> boxes
    get the option whose value or label is the month or the year (two or four digits)."""

    def __init__(self, page: Page, selectors: Selectors, number_parts: Sequence[str] = ()) -> None:
        self.page = page
        self.selectors = selectors
        self.number_parts = tuple(number_parts)
        self._shapes: dict[str, list | None] = {}

    def enter(self, card: CardInput) -> bool:
        """Enter the card; returns whether the page asked for the security code."""
        s = self.selectors
        wanted = [*self.number_parts, *s.card_inputs()]
        self._shapes = dict(zip(wanted, self.page.evaluate(_SHAPES, wanted), strict=True))
        if len(self.number_parts) > 1:
            self._enter_groups(card.number)
        else:
            self._enter(s.card_number, card.number)
        year, month = card.expiry_year, card.expiry_month
        # Rule-breaking expiries (a scenario's "29a1") are typed as given; a select offers only real months.
        self._enter(s.expiry_year, year, choices=(year, f"20{year}") if year.isdigit() else ())
        self._enter(s.expiry_month, month, choices=(month, str(int(month))) if month.isdigit() else ())
        self._enter(s.first_name, card.first_name)
        self._enter(s.last_name, card.last_name)
        asked = self._shapes.get(s.security_code) is not None or bool(self.page.locator(s.security_code).count())
        if asked:
            self._enter(s.security_code, card.security_code)
        return asked

    def _enter_groups(self, number: str) -> None:
        """One box per group: each takes as many digits as its maxlength says, or an even share."""
        boxes = [self._find(selector) for selector in self.number_parts]
        share = -(-len(number) // len(boxes))
        rest = number
        for index, (selector, (box, _, limit)) in enumerate(zip(self.number_parts, boxes, strict=True)):
            size = len(rest) if index == len(boxes) - 1 else (limit or share)
            self._type(selector, box, rest[:size])
            rest = rest[size:]

    def _find(self, selector: str) -> tuple[Locator, str, int]:
        """The first element the selector names, its tag and its maxlength (0 when none): one round trip when the
        element is there, a short wait for it when it is not yet."""
        shape = self._shapes.pop(selector, None) or self.page.evaluate(_SHAPES, [selector])[0]
        if shape is None:
            try:
                self.page.locator(selector).first.wait_for(state="attached", timeout=APPEAR_MS)
            except Exception:
                raise MissingCardInput(selector) from None
            # Not a CSS selector (a Playwright one, "text=…"): ask the element itself.
            shape = self.page.evaluate(_SHAPES, [selector])[0] or self.page.locator(selector).first.evaluate(
                "e => [e.tagName.toLowerCase(), e.maxLength > 0 ? e.maxLength : 0]")
        return self.page.locator(selector).first, str(shape[0]), int(shape[1])

    def _enter(self, selector: str, value: str, choices: Sequence[str] = ()) -> None:
        box, tag, limit = self._find(selector)
        if tag == "select":
            if not choices:  # only the expiry is chosen from a list; the card never goes into an option's text
                raise UnusableCardInput(selector, "is a <select>; name the input this value is typed into")
            self._choose(selector, box, choices)
            return
        if tag not in ("input", "textarea"):
            raise UnusableCardInput(selector, f"is a <{tag}>, not an input or a select")
        if len(choices) > 1 and len(choices[1]) == 4 and limit == 4:
            value = choices[1]  # a year box made for four digits
        self._type(selector, box, value)

    def _type(self, selector: str, box: Locator, value: str) -> None:
        try:
            box.fill(value)
        except Exception:
            raise UnusableCardInput(selector, "does not take typing (read-only, disabled or hidden?)") from None

    def _choose(self, selector: str, box: Locator, choices: Sequence[str]) -> None:
        options: list[list[str]] = box.evaluate(
            "e => Array.from(e.options).map(o => [o.value.trim(), o.label.trim(), o.text.trim()])")
        for choice in choices:
            for value, label, text in options:
                if choice in (value, label, text):
                    box.select_option(value=value)
                    return
        raise UnusableCardInput(selector, f"has no option for {' or '.join(choices)}")
