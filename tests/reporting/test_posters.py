"""Honour-roll posters: one printable page per AAA enterprise and excellent worker, with a
QR code to its public page; nobody off the honour roll gets one."""

import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from credit.selectors_honour import honor_roll
from reporting import posters
from tests.factories.incentives import grade, key_list
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def roll():
    aaa = EnterpriseFactory(name="舟曲县巾帼家政服务有限公司")
    grade(aaa, "AAA")
    aa = EnterpriseFactory(name="良好家政公司")
    grade(aa, "AA")
    closed = EnterpriseFactory(name="已注销家政公司", business_status="deregistered")
    grade(closed, "AAA")
    listed = EnterpriseFactory(name="失信家政公司")
    grade(listed, "AAA")
    key_list(listed)
    worker = WorkerFactory(name="扎西卓玛")
    EmploymentFactory(worker=worker, enterprise=aaa)
    grade(worker, "AAA")
    plain = WorkerFactory(name="李梅")
    grade(plain, "A")
    return {
        "aaa": aaa,
        "aa": aa,
        "closed": closed,
        "listed": listed,
        "worker": worker,
        "plain": plain,
    }


def qr_payload(html: str) -> str:
    """The QR code's drawing: segno draws a URL the same way every time, so comparing it with
    the drawing of the expected URL checks what the code encodes."""
    return re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)


def test_aaa_enterprise_poster_names_it_and_encodes_its_lookup_url(client, roll):
    enterprise = roll["aaa"]
    response = client.get(reverse("posters:enterprise", args=[YEAR, enterprise.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("舟曲县巾帼家政服务有限公司", "AAA 诚信示范", "2025年度", "AAA级诚信示范企业"):
        assert text in html

    expected = "http://testserver" + reverse("credit:lookup") + "?q=" + enterprise.uscc
    poster = posters.enterprise_poster(YEAR, enterprise.pk, lambda p: "http://testserver" + p)
    assert poster.target_url == expected
    # The SVG on the page is exactly the QR code of that URL.
    assert qr_payload(html) == qr_payload(str(poster.qr_svg))
    # ...and that URL finds the enterprise in the public look-up.
    lookup = client.get(reverse("credit:lookup") + "?q=" + quote(enterprise.uscc))
    assert "舟曲县巾帼家政服务有限公司" in lookup.content.decode()


def test_qr_code_is_inline_svg_and_nothing_is_loaded_from_elsewhere(client, roll):
    html = client.get(reverse("posters:enterprise", args=[YEAR, roll["aaa"].pk])).content.decode()
    assert "<svg" in html
    for source in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not source.startswith(("http://", "https://", "//")), source
    assert "@page" in open_static("css/poster.css")


def open_static(name: str) -> str:
    from django.contrib.staticfiles import finders

    with open(finders.find(name), encoding="utf-8") as handle:
        return handle.read()


def test_worker_poster_masks_the_name_and_points_to_the_honour_roll(client, roll):
    worker = roll["worker"]
    html = client.get(reverse("posters:worker", args=[YEAR, worker.pk])).content.decode()
    assert "扎**玛" in html
    assert "扎西卓玛" not in html
    assert "舟曲县巾帼家政服务有限公司" in html  # the employer
    poster = posters.worker_poster(YEAR, worker.pk, lambda p: "http://testserver" + p)
    assert poster.target_url == "http://testserver" + reverse("credit:honor_roll")
    assert qr_payload(html) == qr_payload(str(poster.qr_svg))


@pytest.mark.parametrize("who", ["aa", "closed", "listed"])
def test_enterprise_off_the_honour_roll_has_no_poster(client, roll, who):
    url = reverse("posters:enterprise", args=[YEAR, roll[who].pk])
    assert client.get(url).status_code == 404


def test_no_poster_for_another_year_or_an_ordinary_worker(client, roll):
    assert client.get(reverse("posters:enterprise", args=[2024, roll["aaa"].pk])).status_code == 404
    assert client.get(reverse("posters:worker", args=[YEAR, roll["plain"].pk])).status_code == 404
    # A worker's id used as an enterprise's does not leak a poster either.
    assert client.get(reverse("posters:worker", args=[YEAR, roll["aaa"].pk])).status_code == 404


def test_posters_follow_the_honour_roll(roll):
    items = posters.posters_for_year(YEAR, lambda p: p)
    listed = honor_roll(YEAR)
    assert [p.name for p in items if p.kind == "enterprise"] == [e.name for e in listed.enterprises]
    assert [p.name for p in items if p.kind == "worker"] == [w.name for w in listed.workers]


def test_print_all_sheet_has_one_page_per_poster(client, roll, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        html = client.get(reverse("posters:year", args=[YEAR])).content.decode()
    assert html.count('<article class="poster ') == 2
    assert client.get(reverse("posters:year", args=[2019])).status_code == 404


def test_staff_reach_the_posters_from_the_admin(client, django_user_model, roll):
    roles.roles_sync()
    leader = django_user_model.objects.create_user("lingdao", password="x", is_staff=True)
    leader.groups.add(Group.objects.get(name=roles.LEADER))
    client.force_login(leader)
    article_list = client.get(reverse("admin:articles_article_changelist"))
    assert reverse("admin:articles_article_posters") in article_list.content.decode()
    html = client.get(reverse("admin:articles_article_posters")).content.decode()
    assert reverse("posters:enterprise", args=[YEAR, roll["aaa"].pk]) in html
    assert reverse("posters:worker", args=[YEAR, roll["worker"].pk]) in html
    assert reverse("posters:year", args=[YEAR]) in html
    assert "良好家政公司" not in html
