import pytest
from browser_helpers import CHROMIUM
from playwright.sync_api import sync_playwright


@pytest.fixture
def browser(live_server, settings):
    """Chromium over the live server (plain HTTP: the secure cookies off)."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()
