"""Browser journeys: Playwright drives Debian's chromium (`make test` installs it)."""

import os
import shutil

import pytest

# Playwright's sync API keeps an event loop running in the test thread for the whole session;
# the live server, the test's ORM calls and the database teardown stay synchronous, which
# Django must be told is intended. (Subprocesses started by other tests drop this again.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def phone_page(browser, live_server):
    """A 360-pixel-wide phone that records every request leaving the machine."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.outside_requests = []
    page.console_errors = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url) or request.url.startswith("data:")
            else page.outside_requests.append(request.url)
        ),
    )
    page.on(
        "console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None
    )
    yield page
    context.close()
