"""What a newcomer sees on the 公示 page of a demo county seeded on a fixed day: after this
year's rating day, this year under publicity with the opinion form open; before it, last
year's final list."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from credit.models import PublicityOpinion, Rating, SupervisionTask
from demo.seed import demo_logins

SHANGHAI = ZoneInfo("Asia/Shanghai")


def seed_on(day: datetime.date) -> str:
    """Seed the light county as if today were `day`; returns the closing lines."""
    out = io.StringIO()
    call_command("seed_demo", "--light", stdout=out)
    assert "\n".join(demo_logins()) in out.getvalue()
    return out.getvalue().partition("==== 演示账号 ====")[2]


@pytest.mark.django_db
def test_seeded_in_december_this_year_is_under_publicity_with_the_opinion_form(settings, client):
    settings.DEBUG = True
    today = datetime.date(2030, 12, 10)
    with time_machine.travel(datetime.datetime(2030, 12, 10, 9, tzinfo=SHANGHAI), tick=False):
        logins = seed_on(today)
        this = Rating.objects.filter(year=2030)
        assert set(this.values_list("status", flat=True)) == {Rating.Status.PUBLICISED}
        starts, ends = this.values_list("publicity_starts_on", "publicity_ends_on").first()
        assert starts == datetime.date(2030, 12, 8) and starts <= today < ends
        last = Rating.objects.filter(year=2029)
        assert set(last.values_list("status", flat=True)) == {Rating.Status.FINAL}

        # The public page: the year under publicity, each row with its opinion link.
        page = client.get("/credit/publicity/").content.decode()
        assert "2030年度家政行业信用评价结果正在公示" in page
        assert "公示期：</strong>2030年12月8日至" in page
        links = re.findall(r'href="(/credit/publicity/\d+/opinion/)"', page)
        assert len(links) >= 10
        form = client.get(links[0]).content.decode()
        assert 'name="mobile"' in form and "不能再提出意见" not in form

        # The closing lines name the page and an opinion form that is open.
        assert "2030年度：10月15日评价，12月8日至" in logins and "公示中" in logins
        assert "http://127.0.0.1:8000/credit/publicity/" in logins
        opinion = re.search(r"http://127\.0\.0\.1:8000(/credit/publicity/\d+/opinion/)", logins)
        assert opinion and client.get(opinion.group(1)).status_code == 200
        assert 'name="mobile"' in client.get(opinion.group(1)).content.decode()
        assert "2029年度：10月15日评价，10月20日起公示，已确定" in logins

    # The opinions of the year under publicity wait for staff; last year's are decided.
    opinions = PublicityOpinion.objects.filter(rating__year=2030)
    assert opinions.count() == 2
    assert set(opinions.values_list("status", flat=True)) <= set(PublicityOpinion.OPEN)
    decided = PublicityOpinion.objects.filter(rating__year=2029)
    assert set(decided.values_list("status", flat=True)) == {"upheld", "not_upheld"}
    # B grades of both years are under supervision; this year's checks are not due yet.
    tasks = SupervisionTask.objects.filter(rating__year=2030)
    assert tasks.exists() and not tasks.filter(status=SupervisionTask.Status.DONE).exists()


@pytest.mark.django_db
def test_seeded_in_june_last_years_final_list_is_shown(settings, client):
    settings.DEBUG = True
    with time_machine.travel(datetime.datetime(2031, 6, 15, 9, tzinfo=SHANGHAI), tick=False):
        logins = seed_on(datetime.date(2031, 6, 15))
        assert not Rating.objects.filter(year=2031).exists()
        last = Rating.objects.filter(year=2030)
        assert set(last.values_list("status", flat=True)) == {Rating.Status.FINAL}
        page = client.get("/credit/publicity/").content.decode()
        assert "2030年度家政行业信用评价结果已经公示期满、正式确定" in page
        assert page.count('class="result publicity-row"') >= 10
        assert "/opinion/" not in page
        assert "2031年度：尚未评价" in logins and "公示中" not in logins
        assert "2030年度：10月15日评价，10月20日起公示，已确定" in logins
