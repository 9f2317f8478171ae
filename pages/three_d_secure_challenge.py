"""The card issuer's 3-D Secure challenge (one-time password), inside its frame on the gateway's origin."""

from __future__ import annotations

from playwright.sync_api import FrameLocator

# The challenge frame's inputs that may hold a secret of the holder: masked in every screenshot.
PASSWORD_INPUT = "#otp"


class ThreeDSecureChallenge:
    """What EMV3DSAdapter.js opens in #EMV3DS_INPUT_FORM when the issuer asks the holder to authenticate."""

    def __init__(self, frame: FrameLocator) -> None:
        self.frame = frame

    def wait_until_shown(self, timeout_ms: float = 10_000) -> ThreeDSecureChallenge:
        self.frame.locator(PASSWORD_INPUT).wait_for(timeout=timeout_ms)
        return self

    def answer(self, password: str) -> None:
        """Type the one-time password and press 認証する."""
        self.frame.locator(PASSWORD_INPUT).fill(password)
        self.frame.locator("#challenge-submit").click()

    def cancel(self) -> None:
        """Press キャンセル."""
        self.frame.locator("#challenge-cancel").click()
