"""Screenshots show Japanese as Japanese: headless Chromium draws distinct glyphs, not identical tofu boxes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from harness.core.browser import choose_browser, launch_browser

# Kana and kanji of the checkout pages. With no font for them every one is the same "missing glyph" box.
GLYPHS = ("カ", "ド", "番", "号", "決", "済", "有", "効")
PAGE = (
    '<html lang="ja"><body style="margin:0;background:#fff">'
    + "".join(
        f'<span id="g{index}" style="display:inline-block;width:48px;height:48px;font:32px sans-serif;color:#000">'
        f"{glyph}</span>"
        for index, glyph in enumerate(GLYPHS)
    )
    + "</body></html>"
)
FONT_INSTALL = "apt-get install fonts-noto-cjk (bin/ensure-deps does it when run as root)"
LATIN_ONLY_FONTS = Path("/usr/share/fonts/truetype/dejavu")


def distinct_renderings(browser: Browser) -> int:
    """How many different images the glyphs of GLYPHS render to (as many as glyphs when a font has them)."""
    page = browser.new_page()
    try:
        page.set_content(PAGE)
        shots = {page.locator(f"#g{index}").screenshot() for index in range(len(GLYPHS))}
    finally:
        page.close()
    return len(shots)


def launched(playwright: Playwright, config: pytest.Config, env: dict[str, str] | None = None) -> Browser:
    choice = choose_browser(playwright, config.getoption("--browser-path", default=None))
    if env is None:
        return launch_browser(playwright, choice)
    executable = None if choice.kind == "playwright" else choice.location
    return playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"], env=env)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as started:
        yield started


def test_japanese_text_renders_as_distinct_glyphs(playwright: Playwright, pytestconfig: pytest.Config) -> None:
    browser = launched(playwright, pytestconfig)
    try:
        distinct = distinct_renderings(browser)
    finally:
        browser.close()
    assert distinct == len(GLYPHS), (
        f"Chromium drew {len(GLYPHS)} different Japanese characters as {distinct} different image(s): "
        f"no Japanese font, so screenshots show boxes; {FONT_INSTALL}."
    )


@pytest.mark.skipif(not LATIN_ONLY_FONTS.is_dir(), reason="needs the DejaVu fonts to build a Latin-only machine")
def test_the_check_sees_tofu_on_a_machine_without_a_japanese_font(
    playwright: Playwright, pytestconfig: pytest.Config, tmp_path: Path
) -> None:
    """The same check bites: with fontconfig shown only DejaVu (no CJK font), every glyph is the same box."""
    fonts = tmp_path / "fonts"
    shutil.copytree(LATIN_ONLY_FONTS, fonts)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{fonts}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = {"FONTCONFIG_FILE": str(config), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    browser = launched(playwright, pytestconfig, env)
    try:
        assert distinct_renderings(browser) == 1
    finally:
        browser.close()
