"""A township office opens an honour-roll poster to print it: it renders on A4 with its QR
code drawn in the page, without console errors and without fetching anything from
outside the machine."""

import re

import pytest

from tests.factories.incentives import grade
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory
from tests.user_agents import WECHAT

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YEAR = 2025


def test_enterprise_poster_prints_on_a4_with_its_qr_code(desktop_page, live_server):
    enterprise = EnterpriseFactory(name="舟曲县格桑花家政服务有限公司")
    grade(enterprise, "AAA")
    page = desktop_page

    response = page.goto(f"{live_server.url}/credit/posters/{YEAR}/enterprise/{enterprise.pk}/")
    assert response.status == 200
    poster = page.locator("article.poster")
    assert poster.count() == 1
    assert page.locator("h1.poster-name").inner_text() == "舟曲县格桑花家政服务有限公司"
    assert "AAA 诚信示范" in poster.inner_text()
    assert "2025年度" in poster.inner_text()

    qr = page.locator(".poster-qr svg")
    box = qr.bounding_box()
    assert box is not None and box["width"] > 150 and abs(box["width"] - box["height"]) < 1

    # Printed, the poster is one A4 page: the print stylesheet applies and hides the hint.
    page.emulate_media(media="print")
    assert page.locator(".poster-hint").is_hidden()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1

    assert page.outside_requests == []
    assert page.console_errors == []


def test_in_wechat_on_a_phone_the_poster_is_a_picture_to_long_press(browser, live_server):
    enterprise = EnterpriseFactory(name="舟曲县格桑花家政服务有限公司")
    grade(enterprise, "AAA")
    context = browser.new_context(viewport={"width": 360, "height": 740}, user_agent=WECHAT)
    page = context.new_page()

    page.goto(f"{live_server.url}/credit/posters/{YEAR}/enterprise/{enterprise.pk}/")
    assert page.locator(".wechat-hint").is_visible()
    picture = page.locator(".picture-save img")
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    assert picture.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [1240, 1754]
    assert picture.bounding_box()["width"] <= 360
    assert page.get_by_text("长按图片保存").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_print_all_sheet_and_worker_poster_render_cleanly(desktop_page, live_server):
    enterprise = EnterpriseFactory(name="舟曲县巾帼家政服务有限公司")
    grade(enterprise, "AAA")
    worker = WorkerFactory(name="扎西卓玛")
    EmploymentFactory(worker=worker, enterprise=enterprise)
    grade(worker, "AAA")
    page = desktop_page

    page.goto(f"{live_server.url}/credit/posters/{YEAR}/worker/{worker.pk}/")
    text = page.locator("article.poster").inner_text()
    assert "扎**玛" in text and "扎西卓玛" not in text

    page.goto(f"{live_server.url}/credit/posters/{YEAR}/")
    assert page.locator("article.poster").count() == 2
    assert page.locator(".poster-qr svg").count() == 2

    assert page.outside_requests == []
    assert page.console_errors == []
