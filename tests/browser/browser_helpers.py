"""What the browser tests share: Debian's chromium and a page logged in as a demo user (password of the README)."""

import shutil
from typing import Any

from playwright.sync_api import expect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def open_as(browser: Any, base: str, username: str, **context: Any) -> Any:
    """A new browser context (its own session) logged in as ``username``; ``context`` adds Playwright's options."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}, **context).new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Jiuzhu@2022")
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_be_visible()
    return page
