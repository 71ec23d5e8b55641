"""Reads of the credit app: the rating explanation, the look-up, the honour roll, the standard."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.personal_data import mask_person_name
from credit import selectors, selectors_honour, selectors_lookup
from credit.models import EvaluationStandard, Indicator, Rating
from credit.services import rating_run_year
from registry.models import Enterprise, Township
from registry.services import records_refresh
from tests.factories.credit import CreditEventFactory
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    EnterpriseFactory,
    HealthCertificateFactory,
    QualificationFactory,
    ServiceOfferingFactory,
    TrainingFactory,
    WorkerFactory,
    township,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(NOW):
        yield


def enterprise_standard() -> EvaluationStandard:
    return EvaluationStandard.objects.get(year=2025, subject_type="enterprise", status="active")


# What the engine would have stored for an enterprise that lost points on five indicators.
LOSSES = {
    "E-C3": ("1条（轻微1）", "8.0"),
    "E-Q2": ("人均12.0学时（目标24）", "5.0"),
    "E-Q3": ("完整度80%", "4.0"),
    "E-R1": ("评价2条，不足3条按默认", "12.0"),
    "E-P3": ("1项", "2.5"),
}


def stored_rating(*, total, grade, vetoed=False, veto_reason="", losses=LOSSES) -> Rating:
    standard = enterprise_standard()
    explanation = []
    dimensions = dict.fromkeys(["compliance", "quality", "reputation", "commitment"], Decimal(0))
    for indicator in standard.indicators.order_by("sort_order"):
        shown, points = losses.get(indicator.code, ("满足", str(indicator.weight)))
        explanation.append([indicator.code, shown, points])
        dimensions[indicator.dimension] += Decimal(points)
    assert sum(dimensions.values()) == Decimal(total)
    return Rating.objects.create(
        enterprise=EnterpriseFactory(),
        year=2025,
        standard=standard,
        **dimensions,
        total=Decimal(total),
        grade=grade,
        vetoed=vetoed,
        veto_reason=veto_reason,
        explanation=explanation,
        status="final",
        computed_at=NOW,
    )


# --- rating_explanation -------------------------------------------------------------------------


def test_explanation_says_how_far_the_next_grade_is_and_where_the_points_are():
    rating = stored_rating(total="86.5", grade="AA")
    explained = selectors.rating_explanation(rating)

    assert explained.score_grade == "AA"
    assert explained.next_grade == "AAA" and explained.next_grade_label == "AAA 诚信示范"
    assert explained.next_threshold == Decimal(90)
    assert explained.points_missing == Decimal("3.5")
    assert [r.code for r in explained.top_losses] == ["E-Q2", "E-R1", "E-P3"]
    assert explained.sentences == [
        "距AAA还差3.5分：E-Q2 从业人员培训还可得5.0分（人均12.0学时，目标24）；"
        "E-R1 服务评价还可得3.0分（评价2条，不足3条按默认）；"
        "E-P3 表彰奖励与守信表现还可得2.5分（1项）。",
        "AAA（诚信示范）需达到90分，当前总分86.5分。",
    ]
    assert explained.summary == explained.sentences[0]


def test_explanation_joins_every_indicator_with_the_standard():
    rating = stored_rating(total="86.5", grade="AA")
    explained = selectors.rating_explanation(rating)
    indicators = list(enterprise_standard().indicators.order_by("sort_order"))
    assert [r.code for r in explained.rows] == [i.code for i in indicators]
    q2 = next(r for r in explained.rows if r.code == "E-Q2")
    assert (q2.name, q2.dimension, q2.dimension_label) == ("从业人员培训", "quality", "服务质量")
    assert q2.weight == Decimal(10) and q2.points == Decimal(5) and q2.lost == Decimal(5)
    assert q2.shown == "人均12.0学时（目标24）"
    assert q2.description.startswith("在职人员年度人均培训学时达到24学时得满分")
    assert [(d.label, d.score, d.weight) for d in explained.dimensions] == [
        ("经营合规", Decimal("28.0"), Decimal(30)),
        ("服务质量", Decimal("19.0"), Decimal(25)),
        ("客户口碑", Decimal("22.0"), Decimal(25)),
        ("履约守信", Decimal("17.5"), Decimal(20)),
    ]
    assert sum(r.lost for r in explained.rows) == Decimal(100) - rating.total


def test_deductions_for_negative_records_point_to_credit_repair():
    losses = {"E-C3": ("2条（一般1、严重1）", "0.0"), "E-R2": ("1条（一般1）", "5.0")}
    rating = stored_rating(total="85.0", grade="AA", losses=losses)
    explained = selectors.rating_explanation(rating)
    assert explained.sentences[0] == (
        "距AAA还差5.0分：E-C3 无行政处罚被扣10.0分（2条，一般1、严重1），整改后可申请信用修复；"
        "E-R2 投诉属实情况被扣5.0分（1条，一般1），整改后可申请信用修复。"
    )


def test_a_b_grade_is_told_the_distance_to_a():
    losses = {
        "E-C1": ("无有效营业执照", "0.0"),
        "E-C2": ("0/3人持有效健康证", "0.0"),
        "E-Q2": ("人均0.0学时（目标24）", "0.0"),
        "E-R1": ("平均2.00分（5条）", "3.8"),
    }
    rating = stored_rating(total="58.8", grade="B", losses=losses)
    explained = selectors.rating_explanation(rating)
    assert explained.next_grade == "A" and explained.points_missing == Decimal("1.2")
    assert explained.sentences[0].startswith(
        "距A还差1.2分：E-R1 服务评价还可得11.2分（平均2.00分，5条）；"
        "E-C1 证照齐全有效还可得10.0分（无有效营业执照）；"
    )
    assert explained.sentences[1] == "A（诚信合格）需达到60分，当前总分58.8分。"


def test_a_vetoed_rating_names_the_reason_and_stays_b():
    rating = stored_rating(
        total="86.5", grade="B", vetoed=True, veto_reason="存在涉及人身安全的属实投诉"
    )
    explained = selectors.rating_explanation(rating)
    assert explained.vetoed and explained.score_grade == "AA"
    assert explained.sentences[0] == (
        "因存在涉及人身安全的属实投诉，实行一票否决：该情形存在期间，信用等级保持为B（诚信警示），"
        "得分再高也不能提升。"
    )
    assert explained.sentences[1] == "该情形消除后，按本次得分86.5分可评为AA 诚信良好。"
    assert explained.sentences[2].startswith("失分较多的指标：E-Q2 从业人员培训还可得5.0分")


def test_the_top_grade_has_nothing_to_reach():
    rating = stored_rating(total="100.0", grade="AAA", losses={})
    explained = selectors.rating_explanation(rating)
    assert explained.next_grade is None and explained.points_missing is None
    assert explained.top_losses == []
    assert explained.sentences == ["总分100.0分，已达到最高等级AAA 诚信示范。"]


def test_explanation_costs_one_query_and_the_partial_renders_it():
    from django.template.loader import render_to_string

    rating = Rating.objects.select_related("standard").get(
        pk=stored_rating(total="86.5", grade="AA").pk
    )
    with CaptureQueriesContext(connection) as queries:
        explained = selectors.rating_explanation(rating)
    assert len(queries) == 1
    html = render_to_string("credit/partials/rating_explanation.html", {"explanation": explained})
    assert "距AAA还差3.5分：E-Q2 从业人员培训还可得5.0分（人均12.0学时，目标24）" in html
    assert "2025年度总分 <strong>86.5</strong> 分" in html
    assert "服务质量：19.0 / 25 分" in html
    assert "E-Q2 从业人员培训" in html and "（失5.0分）" in html
    assert html.count('class="re-lost"') == len(LOSSES)


def a_rated_enterprise():
    enterprise = EnterpriseFactory(
        last_confirmed_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    )
    QualificationFactory(enterprise=enterprise)
    worker = WorkerFactory(last_confirmed_at=enterprise.last_confirmed_at)
    EmploymentFactory(worker=worker, enterprise=enterprise)
    HealthCertificateFactory(worker=worker)
    BackgroundCheckFactory(worker=worker)
    TrainingFactory(worker=worker, hours=12, completed_on=datetime.date(2025, 4, 1))
    CreditEventFactory(enterprise=enterprise, kind="penalty", severity="general")
    records_refresh()
    rating_run_year(actor=None, year=2025, sync=True)
    return Rating.objects.get(enterprise=enterprise)


def test_explanation_of_a_rating_computed_by_the_engine():
    rating = a_rated_enterprise()
    explained = selectors.rating_explanation(rating)
    codes = set(Indicator.objects.filter(standard=rating.standard).values_list("code", flat=True))
    assert {r.code for r in explained.rows} == codes
    assert sum(r.points for r in explained.rows) == rating.total
    q2 = next(r for r in explained.rows if r.code == "E-Q2")
    assert q2.shown == "人均12.0学时（目标24）" and q2.points == Decimal("5.0")
    c3 = next(r for r in explained.rows if r.code == "E-C3")
    assert c3.points == Decimal("5.0") and c3.lost == Decimal("5.0")
    assert explained.sentences and "还差" in explained.sentences[0]


# --- Look-up, honour roll, standard -------------------------------------------------------------


def test_latest_final_ratings_skip_drafts_and_publicised_ratings():
    rating = a_rated_enterprise()  # a 2025 draft
    enterprise = rating.enterprise
    assert selectors.latest_final_ratings([enterprise.pk]) == {}
    Rating.objects.filter(pk=rating.pk).update(status="publicised")
    assert selectors.latest_final_ratings([enterprise.pk]) == {}
    Rating.objects.filter(pk=rating.pk).update(status="final")
    public = selectors.latest_final_ratings([enterprise.pk])[enterprise.pk]
    assert (public.year, public.grade, public.total) == (2025, rating.grade, rating.total)
    assert [(d.label, d.weight) for d in public.dimensions] == [
        ("经营合规", Decimal(30)), ("服务质量", Decimal(25)),
        ("客户口碑", Decimal(25)), ("履约守信", Decimal(20)),
    ]  # fmt: skip


def test_lookup_rows_carry_what_an_entry_shows_without_model_instances():
    rated = a_rated_enterprise().enterprise
    Rating.objects.filter(enterprise=rated).update(status="final")
    closed = EnterpriseFactory(name="舟曲县月亮家政", business_status="suspended", kind="sole")
    rows = selectors_lookup.lookup_rows(selectors_lookup.enterprise_search(""))
    enterprises = [selectors_lookup.LookupEnterprise(*row) for row in rows]
    assert [e.pk for e in enterprises] == [
        e.pk for e in sorted([rated, closed], key=lambda e: (e.name, e.pk))
    ]
    entry = next(e for e in enterprises if e.pk == closed.pk)
    assert (entry.name, entry.uscc, entry.township_name) == (
        closed.name, closed.uscc, closed.township.name,
    )  # fmt: skip
    assert not entry.operating
    assert (entry.kind_label, entry.status_label) == (
        closed.get_kind_display(), closed.get_business_status_display(),
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        results = selectors_lookup.lookup_results(enterprises)
    assert len(queries) == 2  # the final ratings, and their standard's dimension maxima
    by_pk = {r.enterprise.pk: r.rating for r in results}
    assert by_pk[closed.pk] is None
    assert by_pk[rated.pk] == selectors.latest_final_ratings([rated.pk])[rated.pk]


def test_a_first_page_with_its_ratings_is_one_query_and_answers_as_the_search_does():
    """lookup_first_rows runs SQL compiled once per shape of search, with the latest final
    ratings read in the same query: for every shape, the same enterprises, in the same order,
    with the ratings latest_final_ratings reads, in one query."""
    rated = stored_rating(total="86.5", grade="AA")  # 2025, final
    rated.enterprise.name = "舟曲县阳光100%家政"
    rated.enterprise.save()
    older = stored_rating(total="100.0", grade="AAA", losses={})
    Rating.objects.filter(pk=older.pk).update(year=2024)
    Rating.objects.create(
        **{f: getattr(older, f) for f in ("enterprise", "standard", "total", "grade")},
        computed_at=NOW,
        **{d: getattr(older, d) for d in ("compliance", "quality", "reputation", "commitment")},
        year=2025, status="publicised",
    )  # fmt: skip
    other_town, _ = Township.objects.get_or_create(
        name="大川镇", defaults={"kind": Township.Kind.TOWN, "sort_order": 9}
    )
    assert other_town != township()
    EnterpriseFactory(name="舟曲县阳光保洁", township=other_town)
    offering = ServiceOfferingFactory(enterprise=EnterpriseFactory(name="舟曲县月亮家政"))
    shapes = [
        {}, {"query": "阳光"}, {"query": "阳光100%"}, {"query": "家政"}, {"query": "%"},
        {"query": "光"}, {"query": rated.enterprise.uscc.lower()}, {"query": "无此企业"},
        {"township_id": other_town.pk}, {"query": "阳光", "township_id": other_town.pk},
        {"category_id": offering.category_id}, {"grade": "AA"}, {"grade": "AAA"},
        {"query": "舟曲", "grade": "AAA", "township_id": older.enterprise.township_id},
        {"query": "舟曲县阳光100%"}, {"query": "县阳光保"}, {"query": "家政服务有限公司"},
    ]  # fmt: skip
    for shape in shapes:
        expected = [
            selectors_lookup.LookupEnterprise(*row)
            for row in selectors_lookup.lookup_rows(selectors_lookup.enterprise_search(**shape))[:3]
        ]
        with CaptureQueriesContext(connection) as queries:
            first = selectors_lookup.lookup_first_rows(**shape, limit=3)
        assert len(queries) == 1, shape
        assert first.enterprises == expected, shape
        read = selectors.latest_final_ratings(e.pk for e in expected)
        assert set(first.ratings) == set(read), shape
        by_values = selectors_lookup.lookup_results(first.enterprises, first.ratings)
        assert [r.rating for r in by_values] == [read.get(e.pk) for e in expected], shape
    first = selectors_lookup.lookup_first_rows("阳光100%", limit=3)
    assert first.ratings[rated.enterprise_id]["total"] == Decimal("86.5")
    later = selectors_lookup.lookup_first_rows(older.enterprise.name, limit=3)
    # The latest final rating, not the later publicised one.
    assert later.ratings[older.enterprise_id]["year"] == 2024


def test_a_name_with_trigrams_most_names_share_finds_what_icontains_finds():
    """Every name here shares 舟曲县 and 家政服务有限公司: a term with those trigrams is looked
    up in the index by its rare part, and checked whole on each row found."""
    names = [
        f"舟曲县{w}家政服务有限公司" for w in ["阳光", "月亮", "格桑花", "阳光普照", "100%放心"]
    ]
    for name in [*names, "城关镇阳光保洁部", "舟曲县光阳家政服务有限公司"]:
        EnterpriseFactory(name=name)
    EnterpriseFactory.create_batch(20)  # 舟曲县第1家政服务有限公司, …
    terms = [
        "舟曲县阳光", "阳光家政服务", "县阳光家", "舟曲县格桑花家政服务有限公司", "100%放心家政",
        "%放心家", "阳光普照家政", "舟曲县光阳", "家政服务有限公司", "舟曲县",
    ]  # fmt: skip
    narrowed = 0
    for term in terms:
        expected = set(Enterprise.objects.filter(name__icontains=term).values_list("pk", flat=True))
        found = selectors_lookup.enterprise_search(term)
        assert set(found.values_list("pk", flat=True)) == expected, term
        first = selectors_lookup.lookup_first_rows(term, limit=50)
        assert {e.pk for e in first.enterprises} == expected, term
        narrowed += selectors_lookup._part(term) is not None
    assert selectors_lookup._part("舟曲县阳光") == "曲县阳光"
    assert selectors_lookup._part("家政服务有限公司") is None  # nothing rare: looked up whole
    assert narrowed >= 4  # 舟曲县阳光, 阳光家政服务, the full name, 舟曲县光阳


def test_enterprise_search_by_name_or_code():
    wanted = EnterpriseFactory(name="舟曲县阳光家政")
    EnterpriseFactory(name="舟曲县月亮家政")
    assert list(selectors_lookup.enterprise_search("阳光")) == [wanted]
    assert list(selectors_lookup.enterprise_search(wanted.uscc.lower())) == [wanted]
    assert list(selectors_lookup.enterprise_search("9262302")) == []  # partial codes do not match
    assert selectors_lookup.enterprise_search("").count() == 2


@pytest.mark.parametrize(
    ("name", "masked"),
    [("卓玛草", "卓*草"), ("扎西卓玛", "扎**玛"), ("王芳", "王*"), ("李", "*"), ("", ""),
     (" 欧阳娜娜 ", "欧**娜")],
)  # fmt: skip
def test_worker_names_are_masked_for_publicity(name, masked):
    assert mask_person_name(name) == masked


def test_honor_roll_without_final_ratings_is_empty():
    a_rated_enterprise()
    roll = selectors_honour.honor_roll()
    assert roll.year is None and roll.enterprises == [] and roll.workers == []


def test_published_standards_of_the_latest_year():
    published = selectors.published_standards()
    assert [p.standard.subject_type for p in published] == ["enterprise", "worker"]
    for item in published:
        assert item.total_weight == 100
        assert [d.label for d in item.dimensions] == [
            "经营合规",
            "服务质量",
            "客户口碑",
            "履约守信",
        ]
        assert [b.rule for b in item.grades] == [
            "90分及以上",
            "80分及以上，不到90分",
            "60分及以上，不到80分",
            "60分以下，或存在一票否决情形",
        ]
        assert len(item.vetoes) == 3
    assert selectors.published_standards(year=2030) == []
