"""Public pages served from shared fragments (core.page_cache) show every change at once:
the credit look-up, the home page, the blank complaint form and the card verification page.
Each page is the visitor's language's, and per-visitor values (CSRF and submission tokens,
the time of a check) are never shared."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import services as article_services
from articles.models import Article
from credit.models import Rating
from credit.services.management import key_list_add
from credit.services.publication import rating_transition
from registry.models import Enterprise, Township
from registry.services import employment_end
from registry.services.cards import card_issue, card_revoke
from tests.credit.test_public_pages import make_rating
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    EnterpriseFactory,
    HealthCertificateFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)
TODAY = datetime.date(2025, 11, 20)


@pytest.fixture(autouse=True)
def _november_2025(django_capture_on_commit_callbacks):
    # Versions are bumped again when a transaction commits: run those callbacks too.
    with time_machine.travel(NOW), django_capture_on_commit_callbacks(execute=True):
        yield


def get(client, url, status=200, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == status
    return response.content.decode()


# --- The credit look-up ---------------------------------------------------------------------


def test_a_renamed_enterprise_shows_in_the_look_up_at_once(client):
    enterprise = EnterpriseFactory(name="格桑花家政服务有限公司")
    assert "格桑花家政" in get(client, reverse("credit:lookup"), q="格桑花")
    enterprise.name = "雪莲家政服务有限公司"
    enterprise.save()
    assert "没有找到符合条件的企业" in get(client, reverse("credit:lookup"), q="格桑花")
    assert "雪莲家政" in get(client, reverse("credit:lookup"), q="雪莲")


def test_a_rating_made_final_in_bulk_shows_in_the_look_up_at_once(client):
    enterprise = EnterpriseFactory(name="格桑花家政服务有限公司")
    rating = make_rating(enterprise, grade="AAA", status="publicised")
    html = get(client, reverse("credit:lookup"), q="格桑花")
    assert "暂无评价结果" in html
    rating_transition(actor=None, ratings=[rating], to=Rating.Status.FINAL, today=TODAY)
    html = get(client, reverse("credit:lookup"), q="格桑花")
    assert "暂无评价结果" not in html
    assert "AAA" in html


def test_a_new_township_is_offered_at_once(client):
    get(client, reverse("credit:lookup"))
    get(client, reverse("complaints:new"))
    Township.objects.create(name="新设乡", kind=Township.Kind.TOWNSHIP, sort_order=99)
    assert "新设乡" in get(client, reverse("credit:lookup"))
    assert "新设乡" in get(client, reverse("complaints:new"))


def test_a_name_search_shares_the_look_ups_frame_and_sees_a_new_township_at_once(client):
    """The heading, choices and notes around a name search are one cached frame, shared
    by every query; a change to the choices renews it."""
    EnterpriseFactory(name="格桑花家政服务有限公司")
    first = get(client, reverse("credit:lookup"), q="格桑花")
    for words in (
        "家政企业信用查询",
        "全部乡镇",
        "信用评价标准",
        "诚信红榜",
        "格桑花家政服务有限公司",
    ):
        assert words in first, words
    Township.objects.create(name="新设乡", kind=Township.Kind.TOWNSHIP, sort_order=99)
    other = get(client, reverse("credit:lookup"), q="家政")
    assert "新设乡" in other and "格桑花家政服务有限公司" in other


def test_a_name_search_put_into_the_shared_page_is_the_page_rendered_whole(rf):
    """A name search's results and query are put into a page rendered once for its choices
    (credit.views._named_search_body): byte for byte what rendering it whole gives, for
    queries HTML would misread, with choices, with a second page and with no result."""
    from credit import views

    other_town, _ = Township.objects.get_or_create(
        name="大川镇", defaults={"kind": Township.Kind.TOWN, "sort_order": 9}
    )
    for n in range(23):
        EnterpriseFactory(name=f"格桑花家政{n:02d}")
    EnterpriseFactory(name="<b>\"阿&妈'家政</b>", township=other_town)
    queries = [
        {"q": "格桑花"}, {"q": "格桑花", "page": "2"}, {"q": ' <b>"阿&妈\'家政</b> '},
        {"q": "阿&妈", "township": str(other_town.pk), "grade": ""}, {"q": "无此企业"},
        {"q": "格桑花", "grade": "AAA"},
    ]  # fmt: skip
    for query in queries:
        request = rf.get(reverse("credit:lookup"), query)
        shared = views._named_search_body(request)
        whole = views._lookup_body(request, views.LookupForm(request.GET))
        assert shared == whole, query
        assert views.QUERY_MARKER not in shared and views.RESULTS_MARKER not in shared
    assert "&lt;b&gt;&quot;阿&amp;妈&#x27;家政&lt;/b&gt;" in views._named_search_body(
        rf.get(reverse("credit:lookup"), {"q": "<b>\"阿&妈'家政</b>"})
    )


def test_the_look_up_is_in_the_visitors_language(client):
    EnterpriseFactory(name="格桑花家政服务有限公司")
    chinese = get(client, reverse("credit:lookup"), q="格桑花")
    client.cookies["django_language"] = "bo"
    tibetan = get(client, reverse("credit:lookup"), q="格桑花")
    assert "家政企业信用查询" in chinese
    assert "家政企业信用查询" not in tibetan
    assert 'lang="bo"' in tibetan
    client.cookies["django_language"] = "zh-hans"
    again = get(client, reverse("credit:lookup"), q="格桑花")
    assert main(again) == main(chinese)


def main(html: str) -> str:
    return re.search(r"<main.*</main>", html, re.S).group(0)


# --- The home page --------------------------------------------------------------------------


def test_a_published_article_shows_on_the_home_page_at_once(client):
    get(client, reverse("home"))
    article = Article.objects.create(
        title="诚信经营的好榜样", kind=Article.Kind.CASE, summary="守信故事。", body="正文。"
    )
    assert "诚信经营的好榜样" not in get(client, reverse("home"))
    article_services.article_publish(actor=None, article=article)
    assert "诚信经营的好榜样" in get(client, reverse("home"))


def test_the_home_page_is_in_the_visitors_language(client):
    chinese = get(client, reverse("home"))
    client.cookies["django_language"] = "bo"
    tibetan = get(client, reverse("home"))
    assert "这项工作做什么" in chinese
    assert "这项工作做什么" not in tibetan


# --- The blank complaint form ---------------------------------------------------------------


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_each_visitor_gets_their_own_tokens_on_the_shared_form():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    one = get(first, reverse("complaints:new"))
    two = get(second, reverse("complaints:new"))
    assert "MARKER" not in one + two
    assert hidden(one, "submission_token") != hidden(two, "submission_token")
    assert re.fullmatch(r"[0-9a-f]{32}", hidden(one, "submission_token"))
    # The CSRF token in the shared form is this visitor's: posting it passes the check (the
    # form itself then answers, here with its errors).
    response = first.post(
        reverse("complaints:new"),
        {"csrfmiddlewaretoken": hidden(one, "csrfmiddlewaretoken"), "description": "x"},
    )
    assert response.status_code != 403
    response = second.post(
        reverse("complaints:new"),
        {"csrfmiddlewaretoken": hidden(one, "csrfmiddlewaretoken"), "description": "x"},
    )
    assert response.status_code == 403


# --- The verification page ------------------------------------------------------------------


@pytest.fixture
def card():
    employment = EmploymentFactory(enterprise__name="格桑花家政服务有限公司")
    HealthCertificateFactory(
        worker=employment.worker,
        valid_from=datetime.date(2025, 1, 1),
        valid_to=TODAY + datetime.timedelta(days=400),
    )
    BackgroundCheckFactory(
        worker=employment.worker, result="passed", checked_on=datetime.date(2025, 2, 1)
    )
    return card_issue(actor=None, warnings_confirmed=True, employment=employment)


def verify(client, card, status=200) -> str:
    return get(client, reverse("verify", kwargs={"token": card.token}), status=status)


def test_a_revoked_card_is_refused_at_once(client, card):
    assert "核验通过" in verify(client, card)
    card_revoke(actor=None, card=card, reason="丢失")
    assert "核验通过" not in verify(client, card, status=410)


def test_a_card_revoked_in_the_admin_is_refused_at_once(client, staff_client, card):
    assert "核验通过" in verify(client, card)
    staff_client.post(
        "/admin/registry/workercard/",
        {"action": "revoke_cards", "_selected_action": [card.pk], "reason": "冒用"},
    )
    verify(client, card, status=410)


def test_a_card_of_an_ended_employment_is_refused_at_once(client, card):
    verify(client, card)
    employment_end(actor=None, employment=card.employment, ended_on=TODAY)
    verify(client, card, status=410)


def test_an_expired_health_certificate_turns_the_light_red_at_once(client, card):
    assert "核验通过" in verify(client, card)
    certificate = card.worker.health_certificates.get()
    certificate.valid_to = TODAY - datetime.timedelta(days=1)
    certificate.save()
    html = verify(client, card)
    assert "核验未通过" in html
    assert "健康证已于" in html


def test_a_health_certificate_expiring_overnight_turns_red_the_next_day(client, card):
    certificate = card.worker.health_certificates.get()
    certificate.valid_to = TODAY
    certificate.save()
    assert "核验未通过" not in verify(client, card)
    with time_machine.travel(NOW + datetime.timedelta(days=1)):
        assert "核验未通过" in verify(client, card)


def test_an_employer_closing_or_listed_turns_the_light_red_at_once(client, card):
    assert "核验通过" in verify(client, card)
    enterprise = card.employment.enterprise
    key_list_add(
        actor=None, reason="严重失信", basis="测试", starts_on=TODAY, enterprise=enterprise
    )
    assert "所在企业已被列入重点管理名单" in verify(client, card)
    enterprise.refresh_from_db()
    enterprise.business_status = Enterprise.BusinessStatus.SUSPENDED
    enterprise.save()
    assert "所在企业已歇业" in verify(client, card)


def test_the_time_of_the_check_is_each_requests(client, card):
    first = verify(client, card)
    with time_machine.travel(NOW + datetime.timedelta(minutes=7)):
        second = verify(client, card)
    assert "MARKER" not in first + second
    assert re.search(r"核验时间：([^。]*)", first).group(1) != re.search(
        r"核验时间：([^。]*)", second
    ).group(1)


def test_the_verification_page_is_in_the_visitors_language(client, card):
    chinese = verify(client, card)
    client.cookies["django_language"] = "bo"
    tibetan = verify(client, card)
    assert "核验明细" in chinese
    assert "核验明细" not in tibetan


def test_a_scan_is_remembered_in_a_signed_cookie_without_a_database_write(
    client, card, django_assert_max_num_queries
):
    from django.contrib.sessions.models import Session
    from django.test import RequestFactory

    from registry.verification import SCANS_COOKIE, scans_recent

    verify(client, card)
    with django_assert_max_num_queries(1):  # the card's validity; nothing written
        verify(Client(), card)
    assert not Session.objects.exists()
    request = RequestFactory().get("/")
    request.COOKIES = {SCANS_COOKIE: client.cookies[SCANS_COOKIE].value}
    request.session = {}
    assert scans_recent(request, timezone.now(), days=3) == {card.worker_id}
    request.COOKIES = {SCANS_COOKIE: client.cookies[SCANS_COOKIE].value.replace("1", "2")}
    assert scans_recent(request, timezone.now(), days=3) == frozenset()
