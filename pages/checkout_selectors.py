"""Where things are on a merchant checkout page; defaults are the ids the specification documents."""

from __future__ import annotations

from dataclasses import dataclass

from harness.core.selectors import Selectors


@dataclass(frozen=True)
class CheckoutSelectors(Selectors):
    """A profile's selectors plus where the reference merchant shows its error and its result."""

    card_area: str = "#CARD_INPUT_FORM"
    challenge_area: str = "#EMV3DS_INPUT_FORM"  # where EMV3DSAdapter.js opens the issuer's challenge
    challenge_frame: str = "#EMV3DS_INPUT_FORM iframe"
    error_message: str = "#error-message"
    result_code: str = "#result-code"
    result_message: str = "#result-message"
