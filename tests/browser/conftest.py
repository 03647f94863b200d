"""Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright.

They are skipped, with the reason, where that Chromium is missing; ``.ci/run`` installs
it. Screenshots go to /tmp/screens/ for a person to look at.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SCREENS = Path("/tmp/screens")


@pytest.fixture(scope="module")
def chromium():
    """Chromium for one test module. Playwright's sync API runs an event loop in this
    thread while it lives, so Django's guard against synchronous database calls from
    async code is lifted for exactly that time (the test's own calls are synchronous)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                ],
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """``screenshot(name)`` saves the page as /tmp/screens/<name>.png."""
    SCREENS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
