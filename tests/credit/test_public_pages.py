"""The public credit pages: look-up, honour roll (诚信红榜) and the published standard."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.search import frequent_trigrams
from credit import selectors_honour
from credit.models import EvaluationStandard, KeyListEntry, Rating
from registry.models import Enterprise
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(NOW):
        yield


def standard(subject_type: str, year: int = 2025) -> EvaluationStandard:
    return EvaluationStandard.objects.get(year=year, subject_type=subject_type, status="active")


def make_rating(subject, *, grade="AAA", total="95.0", status="final", year=2025, dims=None):
    """A rating written directly, as the yearly run and its review would leave it."""
    kind = "enterprise" if isinstance(subject, Enterprise) else "worker"
    total = Decimal(total)
    compliance, quality, reputation = (Decimal(v) for v in (dims or ("28.0", "22.0", "22.0")))
    return Rating.objects.create(
        **{kind: subject},
        year=year,
        standard=standard(kind),
        compliance=compliance,
        quality=quality,
        reputation=reputation,
        commitment=total - compliance - quality - reputation,
        total=total,
        grade=grade,
        status=status,
        computed_at=NOW,
    )


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def result_card(html: str, name: str) -> str:
    """The look-up's result card of one enterprise."""
    match = re.search(r'<li class="result">(?:(?!</li>).)*?' + re.escape(name) + r".*?</li>", html,
                      re.S)  # fmt: skip
    assert match, f"no result card for {name}"
    return match.group(0)


# --- URLs and the home page ---------------------------------------------------------------------


def test_the_public_urls_are_the_documented_ones():
    assert reverse("credit:lookup") == "/credit/"
    assert reverse("credit:honor_roll") == "/credit/honor-roll/"
    assert reverse("credit:standard") == "/credit/standard/"


def test_home_and_navigation_link_to_the_three_credit_pages(client):
    html = get(client, reverse("home"))
    for url, title in (
        ("/credit/", "信用查询"),
        ("/credit/honor-roll/", "诚信红榜"),
        ("/credit/standard/", "评价标准"),
    ):
        assert f'href="{url}"' in html
        assert title in html
    # The navigation marks the page being read.
    assert 'href="/credit/" aria-current="page"' in get(client, "/credit/")


@pytest.mark.parametrize("url", ["/credit/", "/credit/honor-roll/", "/credit/standard/"])
def test_pages_load_nothing_from_outside_and_need_no_javascript(client, url):
    make_rating(EnterpriseFactory(name="城关家政"))
    html = get(client, url)
    assert '<html lang="zh-Hans">' in html
    assert "<script" not in html
    assert "/static/css/credit.css" in html
    for source in re.findall(r'(?:src|href|action)="([^"]+)"', html):
        assert not source.startswith(("http://", "https://", "//")), source


def test_admin_is_not_shadowed_by_the_credit_pages(client):
    assert client.get("/admin/credit/").status_code in (302, 404)
    assert client.get("/credit/").status_code == 200


# --- Look-up ------------------------------------------------------------------------------------


def test_lookup_by_name_shows_the_latest_final_grade_year_and_dimensions(client):
    enterprise = EnterpriseFactory(name="舟曲县巴藏家政服务部")
    make_rating(enterprise, grade="AA", total="84.0", year=2024)
    make_rating(enterprise, grade="AAA", total="95.5", year=2025, dims=("28.0", "23.5", "24.0"))
    unrated = EnterpriseFactory(name="舟曲县巴藏月嫂中心")
    EnterpriseFactory(name="城关镇保洁公司")

    html = get(client, "/credit/", q="巴藏")
    assert "共2家" in html and "城关镇保洁公司" not in html
    card = result_card(html, enterprise.name)
    assert "AAA 诚信示范" in card
    assert "2025年度" in card and "2024年度" not in card
    assert "95.5" in card
    assert enterprise.township.name in card
    # The four dimension scores, each out of its maximum under the standard.
    for label, score, maximum in (
        ("经营合规", "28.0", "30"), ("服务质量", "23.5", "25"),
        ("客户口碑", "24.0", "25"), ("履约守信", "20.0", "20"),
    ):  # fmt: skip
        assert re.search(
            rf"<dt>{label}</dt><dd><strong>{score}</strong><span class=\"of\"> / {maximum}分", card
        ), label
    assert "暂无评价结果" in result_card(html, unrated.name)


def test_lookup_by_code_accepts_lower_case_and_spaces(client):
    enterprise = EnterpriseFactory(name="舟曲县峰迭家政")
    EnterpriseFactory(name="舟曲县其他家政")
    code = enterprise.uscc
    html = get(client, "/credit/", q=f" {code[:6].lower()} {code[6:]} ")
    assert "共1家" in html and enterprise.name in html and "舟曲县其他家政" not in html


def test_lookup_filters_by_township(client):
    from registry.models import Township

    other = Township.objects.exclude(pk=EnterpriseFactory(name="甲家政").township_id).first()
    EnterpriseFactory(name="乙家政", township=other)
    html = get(client, "/credit/", township=other.pk)
    assert "乙家政" in html and "甲家政" not in html


def test_lookup_without_matches_says_so(client):
    EnterpriseFactory(name="舟曲县家政")
    html = get(client, "/credit/", q="不存在的公司")
    assert "没有找到符合条件的企业" in html


def test_draft_and_publicised_ratings_never_appear_publicly(client):
    published = EnterpriseFactory(name="公示中家政")
    make_rating(published, grade="A", total="70.0", year=2024)
    make_rating(published, grade="AAA", total="97.0", status="publicised", year=2025)
    draft = EnterpriseFactory(name="待审核家政")
    make_rating(draft, grade="AAA", total="96.0", status="draft")
    worker = WorkerFactory(name="卓玛草")
    EmploymentFactory(worker=worker, enterprise=published)
    make_rating(worker, grade="AAA", total="99.0", status="publicised")

    html = get(client, "/credit/")
    card = result_card(html, published.name)
    assert "A 诚信合格" in card and "2024年度" in card
    assert "AAA" not in card and "97.0" not in card
    card = result_card(html, draft.name)
    assert "暂无评价结果" in card and "AAA" not in card and "96.0" not in card

    html = get(client, "/credit/honor-roll/")
    # 2024 is the latest year with final ratings, and it has no AAA.
    assert published.name not in html and draft.name not in html
    assert "卓*草" not in html and "2024年度" in html


def test_public_pages_show_no_personal_data(client):
    enterprise = EnterpriseFactory(
        name="舟曲县格桑家政有限公司", phone="13909415566", legal_representative="王秀兰",
        business_address="城关镇滨江路12号", registered_address="城关镇南街3号",
        contact_person="李联系", email="gesang@example.com",
    )  # fmt: skip
    make_rating(enterprise)
    worker = WorkerFactory(name="卓玛草", phone="13809417788", address="大川镇大川村")
    EmploymentFactory(worker=worker, enterprise=enterprise)
    make_rating(worker, total="98.0")
    from core import personal_data

    full_id = personal_data.decrypt(worker.id_number_encrypted)

    pages = [get(client, url) for url in ("/credit/", "/credit/honor-roll/", "/credit/standard/")]
    pages.append(get(client, "/credit/", q=enterprise.name))
    for html in pages:
        for secret in (
            enterprise.phone, enterprise.legal_representative, enterprise.business_address,
            enterprise.registered_address, enterprise.contact_person, enterprise.email,
            "13809417788", worker.address, full_id, worker.id_number_masked,
            worker.name, worker.birth_date.strftime("%Y%m%d"),
        ):  # fmt: skip
            assert secret not in html, secret
    honor = pages[1]
    assert "卓*草" in honor and enterprise.name in honor


def test_lookup_pages_by_twenty_in_bounded_queries(client, django_assert_max_num_queries):
    for n in range(25):
        enterprise = EnterpriseFactory(name=f"舟曲县{n:02d}号家政")
        make_rating(enterprise, year=2024, grade="AA", total="85.0")
        make_rating(enterprise, year=2025)
    # The rows, the count, the two choices, the ratings and their standard's maxima (the
    # names' frequent trigrams are read once an hour by each process: read before).
    frequent_trigrams(Enterprise, "name")
    with django_assert_max_num_queries(6):
        html = get(client, "/credit/", q="号家政")
    assert html.count('<li class="result">') == 20
    assert "第1页，共2页" in html and "舟曲县19号家政" in html and "舟曲县20号家政" not in html
    assert 'href="?q=%E5%8F%B7%E5%AE%B6%E6%94%BF&amp;page=2"' in html
    with django_assert_max_num_queries(6):
        html = get(client, "/credit/", q="号家政", page=2)
    assert html.count('<li class="result">') == 5 and "舟曲县24号家政" in html
    # A page number past the end shows the last page rather than an error.
    assert "舟曲县24号家政" in get(client, "/credit/", q="号家政", page=99)


def test_a_search_matching_too_many_counts_only_up_to_its_cap(client, monkeypatch):
    """A term nearly every name contains is not counted through the whole register: the
    count stops at the cap, the heading says "more than", and the pages end there."""
    monkeypatch.setattr("credit.views.LOOKUP_COUNT_CAP", 30)
    for n in range(35):
        EnterpriseFactory(name=f"舟曲县{n:02d}号家政")
    with CaptureQueriesContext(connection) as queries:
        html = get(client, "/credit/", q="号家政")
    assert "超过30家，这里只列出前30家" in html and "请输入更完整的企业名称" in html
    assert "第1页，共2页" in html
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 31" in counts[0]
    last = get(client, "/credit/", q="号家政", page=99)  # past the cap: the last page
    assert last.count('<li class="result">') == 10 and "舟曲县29号家政" in last
    assert "舟曲县30号家政" not in last
    # Under the cap the count is exact, as before.
    monkeypatch.setattr("credit.views.LOOKUP_COUNT_CAP", 40)
    assert "（共35家）" in get(client, "/credit/", q="号家政")


# --- Honour roll --------------------------------------------------------------------------------


def test_honor_roll_lists_aaa_enterprises_and_workers_of_the_latest_final_year(client):
    best = EnterpriseFactory(name="舟曲县示范家政")
    make_rating(best, total="96.0")
    second = EnterpriseFactory(name="舟曲县诚信家政")
    make_rating(second, total="92.5")
    make_rating(EnterpriseFactory(name="舟曲县良好家政"), grade="AA", total="85.0")
    last_year = EnterpriseFactory(name="舟曲县去年示范家政")
    make_rating(last_year, total="93.0", year=2024)
    make_rating(last_year, grade="A", total="70.0")
    closed = EnterpriseFactory(name="舟曲县已注销家政", business_status="deregistered")
    make_rating(closed, total="94.0")
    listed = EnterpriseFactory(name="舟曲县失信家政")
    make_rating(listed, total="91.0")
    KeyListEntry.objects.create(
        enterprise=listed, reason="严重失信", basis="处罚决定书",
        starts_on=datetime.date(2025, 10, 1), ends_on=datetime.date(2028, 10, 1),
    )  # fmt: skip

    worker = WorkerFactory(name="扎西卓玛")
    EmploymentFactory(worker=worker, enterprise=best, started_on=datetime.date(2023, 1, 1))
    make_rating(worker, total="97.0")
    jobless = WorkerFactory(name="王芳")
    make_rating(jobless, total="93.0")
    make_rating(WorkerFactory(name="李四平"), grade="AA", total="88.0")

    html = get(client, "/credit/honor-roll/")
    assert "2025年度" in html
    assert html.index(best.name) < html.index(second.name)
    assert "96.0" in html and "诚信示范企业（2家）" in html
    for absent in ("舟曲县良好家政", last_year.name, closed.name, listed.name):
        assert absent not in html, absent
    assert "优秀从业人员（2人）" in html
    meta = '</span><span class="honor-meta">'
    assert "扎**玛" + meta + "舟曲县示范家政 · AAA 诚信示范" in html
    assert "王*" + meta + "暂无在职单位" in html
    assert "李*平" not in html


def test_honor_roll_lists_at_most_the_top_workers(client, monkeypatch):
    monkeypatch.setattr(selectors_honour, "HONOR_ROLL_WORKERS", 3)
    for n, total in enumerate(["90.0", "99.0", "95.0", "91.0", "98.5"]):
        make_rating(WorkerFactory(name=f"卓玛{n}草"), total=total)
    html = get(client, "/credit/honor-roll/")
    shown = re.findall(r'<span class="honor-name">(卓\*+草)</span>', html)
    assert len(shown) == 3
    assert "优秀从业人员（3人）" in html


def test_honor_roll_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(12):
        enterprise = EnterpriseFactory(name=f"家政{n}")
        make_rating(enterprise)
        worker = WorkerFactory(name=f"次仁{n}卓玛")
        EmploymentFactory(worker=worker, enterprise=enterprise)
        make_rating(worker)
    # The year, the enterprises, the workers, their employers, their consents.
    with django_assert_max_num_queries(5):
        html = get(client, "/credit/honor-roll/")
    assert html.count('class="honor-item"') == 24


def test_honor_roll_before_any_final_rating(client):
    make_rating(EnterpriseFactory(), status="publicised")
    html = get(client, "/credit/honor-roll/")
    assert "正式确定后" in html and "honor-item" not in html


# --- The published standard ---------------------------------------------------------------------


def test_standard_page_publishes_indicators_points_grades_and_vetoes(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        html = get(client, "/credit/standard/")
    for kind in ("enterprise", "worker"):
        s = standard(kind)
        assert s.title in html
        for indicator in s.indicators.all():
            assert indicator.code in html and indicator.name in html
            assert indicator.description in html
            assert f"{indicator.weight.normalize():f}分" in html
        for veto in s.vetoes.all():
            assert veto.description in html
    assert html.index("家政企业信用评价标准") < html.index("家政从业人员信用评价标准")
    for dimension in ("经营合规", "服务质量", "客户口碑", "履约守信"):
        assert dimension in html
    for band in ("AAA 诚信示范", "90分及以上", "AA 诚信良好", "80分及以上，不到90分",
                 "A 诚信合格", "60分及以上，不到80分", "B 诚信警示", "60分以下"):  # fmt: skip
        assert band in html, band
    assert "满分100分" in html


def test_standard_page_shows_the_active_standard_of_the_latest_year(client):
    current = standard("enterprise")
    newer = EvaluationStandard.objects.create(
        year=2026, subject_type="enterprise", title="2026年家政企业信用评价标准", status="active",
        aaa_min=92, aa_min=82, a_min=62,
    )  # fmt: skip
    for indicator in current.indicators.all():
        indicator.pk = None
        indicator.standard = newer
        indicator.save()
    EvaluationStandard.objects.create(
        year=2027, subject_type="enterprise", title="尚未启用的草案", status="draft"
    )
    html = get(client, "/credit/standard/")
    assert "2026年家政企业信用评价标准" in html and "92分及以上" in html
    assert "尚未启用的草案" not in html
    assert current.title not in html.replace("2026年家政企业信用评价标准", "")


def test_standard_page_before_any_standard_is_active(client):
    EvaluationStandard.objects.update(status="draft")
    assert "正在制定" in get(client, "/credit/standard/")
