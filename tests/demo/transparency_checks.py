"""Checks of the demo county's transparency pages (disclosure lists, publicity and
opinions, credit reports, pledges and profiles, the worker's own record), called from
test_seed_demo.py."""

import re

from django.utils import timezone

from complaints.models import Complaint
from credit.models import (
    PublicityOpinion,
)
from registry.models import (
    Enterprise,
)


def check_disclosure_lists_and_charges_are_filled(client):
    penalties = client.get("/credit/penalties/").content.decode()
    assert "舟曲县市场监督管理局" in penalties and "《中华人民共和国价格法》" in penalties
    assert "冒用他人健康证上岗" in client.get("/credit/key-list/").content.decode()
    charged = Complaint.objects.filter(category="overcharging", charged_amount__isnull=False)
    assert charged.exists()
    assert all(complaint.price_finding for complaint in charged)
    # Complaints came in by several channels; one is a 举报, one was referred to 市场监管.
    channels = set(Complaint.objects.values_list("channel", flat=True))
    assert {"web", "phone", "visit", "letter"} <= channels
    assert Complaint.objects.filter(case_type="report", channel="12315").exists()
    assert Complaint.objects.filter(status="referred", referred_to="market_regulation").exists()


def check_publicity_page_and_opinions(client, story):
    """Every year's publicity had opinions from the public, decided before it became
    final; the 公示 page is filled whatever the day: the year under publicity, else the
    final lists by year."""
    for year in (story.last_year, story.this_year):
        opinions = PublicityOpinion.objects.filter(rating__year=year)
        if not story.today >= story.published_on(year):
            assert not opinions.exists()
            continue
        assert opinions.count() == 2
        for opinion in opinions:
            starts, ends = opinion.rating.publicity_starts_on, opinion.rating.publicity_ends_on
            assert starts <= timezone.localdate(opinion.submitted_at) <= ends
        if story.today >= story.final_on(year):
            assert not opinions.filter(status__in=PublicityOpinion.OPEN).exists()
            assert set(opinions.values_list("status", flat=True)) == {"upheld", "not_upheld"}
    page = client.get("/credit/publicity/").content.decode()
    assert page.count('class="result publicity-row"') >= 10
    shown = story.this_year if story.today >= story.published_on(story.this_year) else None
    assert f"{shown or story.last_year}年度" in page


def check_credit_reports_are_issued(client):
    """One report issued in the portal, one from a dossier (with its penalties), both
    verifiable."""
    from credit.models import CreditReport

    reports = {r.channel: r for r in CreditReport.objects.select_related("issued_by")}
    assert set(reports) == {"portal", "admin"}
    assert reports["portal"].issued_by.username == "qiye"
    assert reports["portal"].enterprise == Enterprise.objects.order_by("pk").first()
    assert reports["admin"].issued_by.username == "xinyong"
    assert reports["admin"].content["negative_events"]
    for report in reports.values():
        html = client.get("/credit/reports/verify/", {"number": report.number}).content.decode()
        assert "本报告真实有效" in html and report.enterprise.name in html


def check_pledges_are_signed_and_a_profile_is_filled(client):
    from credit.models import PledgeSignature, PledgeText
    from demo.seed import demo_profile_lines

    assert PledgeText.objects.count() == 1
    signed = set(PledgeSignature.objects.values_list("enterprise_id", flat=True))
    operating = list(Enterprise.objects.active().order_by("pk").values_list("pk", flat=True))
    assert operating[0] not in signed  # left for the newcomer to sign in the portal
    assert len(operating) // 2 < len(signed) < len(operating)
    line = next(line for line in demo_profile_lines() if "/enterprises/" in line)
    path = re.search(r"(/enterprises/\d+/)", line).group(1)
    client.logout()
    page = client.get(path).content.decode()
    assert "为现行版本" in page and "指导价" in page and "起持证" in page
    assert re.search(r"\d{4}年度</span>", page)  # graded


def check_the_printed_worker_signs_in(client, settings, capture):
    """The worker the seed names signs in at /workers/ with the code from the SMS; the best
    honoured worker is named in full on the honour roll, the others are masked."""
    from core.notifications import MemorySmsBackend
    from credit.selectors_honour import honor_roll
    from demo.seed import demo_logins

    line = next(line for line in demo_logins() if "/workers/" in line)
    mobile = re.search(r"手机号 (1\d{10})", line).group(1)
    settings.SMS_BACKEND = "core.notifications.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    client.logout()
    with capture(execute=True):
        client.post("/workers/sign-in/", {"action": "send", "mobile": mobile})
    code = re.search(r"验证码(\d{6})", MemorySmsBackend.outbox[-1][1]).group(1)
    response = client.post(
        "/workers/sign-in/", {"action": "verify", "mobile": mobile, "code": code}, follow=True
    )
    assert "的信用档案" in response.content.decode() and "信用评价" in response.content.decode()
    MemorySmsBackend.outbox.clear()
    workers = honor_roll().workers
    if workers:
        assert "*" not in workers[0].name
        assert all("*" in w.name or len(w.name) == 1 for w in workers[1:])
