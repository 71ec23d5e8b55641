"""The bureau's complaint line and office address (settings) are offered on every public
page and on the tracking page, the phone as a tel: link."""

import pytest
from django.urls import reverse

from tests.factories.complaints import ComplaintFactory
from tests.incentives.test_pages import county  # noqa: F401 (fixture)
from tests.project.test_redis_down import county_objects, sample_urls  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

TEL = '<a class="tel-link" href="tel:09415129999">0941-5129999</a>'
ADDRESS = "舟曲县城关镇示范路1号"


@pytest.fixture(autouse=True)
def contact(settings):
    settings.COMPLAINT_PHONE = "0941-5129999"
    settings.BUREAU_OFFICE_ADDRESS = ADDRESS
    settings.BUREAU_OFFICE_HOURS = "工作日 9:00—17:00"


def public_html_pages(client, urls):
    for url in urls:
        if url.startswith("/portal/") or url == "/healthz":
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        names = {t.name for t in response.templates}
        yield url, names, response.content.decode()


def test_every_public_page_shows_the_complaint_line_and_office(client, county_objects):  # noqa: F811
    pages = list(public_html_pages(client, sample_urls(*county_objects)))
    checked = [url for url, names, _ in pages if "public/base.html" in names]
    assert len(checked) > 20 and "/" in checked and "/complaints/new/" in checked
    for url, names, html in pages:
        if "public/base.html" not in names:
            continue
        assert TEL in html, url
        assert ADDRESS in html and "工作日 9:00—17:00" in html, url


def test_the_tracking_page_offers_the_contact_before_and_after_a_look_up(client):
    html = client.get(reverse("complaints:track")).content.decode()
    form_part = html.split('class="track-form"')[1].split('class="site-footer"')[0]
    assert TEL in form_part and ADDRESS in form_part

    complaint = ComplaintFactory(phone="13909413333")
    response = client.post(
        reverse("complaints:track"),
        {"tracking_number": complaint.tracking_number, "phone": "13909413333"},
    )
    html = client.get(response.url).content.decode()
    case_part = html.split('id="case-title"')[1].split('class="site-footer"')[0]
    assert TEL in case_part and ADDRESS in case_part
