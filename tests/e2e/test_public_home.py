import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_reads_well_on_a_phone(phone_page, live_server):
    page = phone_page
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "舟曲县“信易+家政”"

    base_font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert base_font >= 18
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways on a 360 px phone"
    assert page.outside_requests == []
    assert page.console_errors == []


def test_healthz_answers_in_the_browser(phone_page, live_server):
    response = phone_page.goto(live_server.url + "/healthz")
    assert response.status == 200
    assert '"database": "ok"' in phone_page.content()
