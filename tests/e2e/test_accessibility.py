"""axe-core (bundled with axe-playwright-python, nothing fetched at run time) checks every public
page in every language and both text sizes, at a 360 px phone and at desktop width: no serious
or critical violation. The pages are the URL resolver's, sampled as in the Redis-down check, so
a new public page is checked as soon as it exists; a new language as soon as it is in
settings.LANGUAGES."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.incentives.test_pages import county  # noqa: F401 (fixture)
from tests.project.test_redis_down import county_objects, sample_urls  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": (360, 740), "desktop": (1280, 900)}
TEXT_SIZES = ("normal", "large")
BLOCKING = {"serious", "critical"}
# Not pages: JSON, images, files, the switch's form target.
NOT_PAGES = ("/healthz", "/favicon.ico", "/text-size/")
FORMS_WITH_ERRORS = [
    ("/complaints/new/", "提交投诉"),
    ("/complaints/track/", "查询"),
    ("/incentives/check/", "获取短信验证码"),
    ("/reviews/new/", "提交评价"),
]


def violations_on(page, axe: Axe) -> list[str]:
    results = axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


def test_every_public_page_has_no_serious_accessibility_violation(
    browser,
    live_server,
    county_objects,  # noqa: F811
):
    urls = [url for url in sample_urls(*county_objects) if url not in NOT_PAGES]
    axe = Axe()
    found: list[str] = []
    checked = 0
    for language, _ in settings.LANGUAGES:
        for size in TEXT_SIZES:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900},
                locale="zh-CN",
                extra_http_headers={"Accept-Language": language},
            )
            host = live_server.url.split("//", 1)[1].split(":")[0]
            cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language}]
            if size == "large":
                cookies.append({"name": "text_size", "value": "large"})
            context.add_cookies([{**cookie, "domain": host, "path": "/"} for cookie in cookies])
            page = context.new_page()
            seen: set[str] = set()
            for url in urls:
                try:
                    response = page.goto(live_server.url + url)
                except PlaywrightError:  # an empty answer, e.g. 405 to a form-only address
                    continue
                if response is None or "text/html" not in response.headers.get("content-type", ""):
                    continue
                if page.url in seen:  # e.g. every portal page sends a visitor to its login
                    continue
                seen.add(page.url)
                assert ("large-text" in (page.get_attribute("html", "class") or "")) == (
                    size == "large"
                ), page.url
                for width_name, (width, height) in WIDTHS.items():
                    page.set_viewport_size({"width": width, "height": height})
                    where = f"[{language} {size} {width_name}] {url}"
                    for line in violations_on(page, axe):
                        found.append(f"{where}: {line}")
                    if page.evaluate("document.documentElement.scrollWidth") > width:
                        found.append(f"{where}: scrolls sideways (reflow)")
                    checked += 1
            context.close()
    assert checked >= 4 * 25, checked
    assert not found, "\n".join(found)


def test_forms_in_their_error_state_have_no_serious_violation(browser, live_server):
    """The error summary and the fields marked wrong, on a phone, in both text sizes."""
    axe = Axe()
    found = []
    for size in TEXT_SIZES:
        context = browser.new_context(viewport={"width": 360, "height": 740})
        if size == "large":
            context.add_cookies([{"name": "text_size", "value": "large", "url": live_server.url}])
        page = context.new_page()
        for url, button in FORMS_WITH_ERRORS:
            page.goto(live_server.url + url)
            page.get_by_role("button", name=button, exact=True).click()
            # The click returns once the answer starts loading: wait for the summary.
            expect(page.locator("#error-summary"), url).to_have_count(1)
            found.extend(f"[{size}] {url}: {line}" for line in violations_on(page, axe))
        context.close()
    assert not found, "\n".join(found)


def test_the_check_catches_a_page_that_fails(browser, live_server):
    """The bundled axe-core really runs: a page with an unlabelled field, an image without
    text and grey-on-white text fails."""
    context = browser.new_context()
    page = context.new_page()
    page.route(
        live_server.url + "/bad/",
        lambda route: route.fulfill(
            content_type="text/html",
            body=(
                '<html lang="zh-Hans"><body><main><h1>坏页面</h1><img src="/x.png">'
                '<input type="text"><p style="color:#bbb;background:#fff">浅灰文字</p>'
                "</main></body></html>"
            ),
        ),
    )
    page.goto(live_server.url + "/bad/")
    found = " ".join(violations_on(page, Axe()))
    context.close()
    assert "image-alt" in found and "label" in found and "color-contrast" in found
