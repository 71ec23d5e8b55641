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


def recording_page(browser, live_server, *, width: int, height: int, javascript: bool = True):
    """A browser page that records every request leaving the machine (`outside_requests`) and
    every console error or uncaught script error (`console_errors`); `javascript=False`
    switches the page's scripts off."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="zh-CN",
        java_script_enabled=javascript,
    )
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
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return context, page


@pytest.fixture
def phone_page(browser, live_server):
    """A 360-pixel-wide phone."""
    context, page = recording_page(browser, live_server, width=360, height=740)
    yield page
    context.close()


@pytest.fixture
def phone_page_without_javascript(browser, live_server):
    """A 360-pixel-wide phone whose browser runs no script."""
    context, page = recording_page(browser, live_server, width=360, height=740, javascript=False)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    """An office computer's browser."""
    context, page = recording_page(browser, live_server, width=1280, height=900)
    yield page
    context.close()


@pytest.fixture
def admin_sign_in(live_server):
    """Sign in to the bureau's back office through its login form: `admin_sign_in(page,
    username, password)`; the page is left on the admin's index."""

    def sign_in(page, username: str, password: str) -> None:
        page.goto(live_server.url + "/admin/login/?next=/admin/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_url(live_server.url + "/admin/")

    return sign_in
