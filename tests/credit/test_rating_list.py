"""The rating list tells subjects apart, and no text of the rating doubles its words."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from credit.engine import explanation_from_inputs
from credit.models import EvaluationStandard, Indicator, Rating, SupervisionTask
from credit.rules import input_columns
from credit.selectors import rating_explanation
from credit.services import rating_run_year
from credit.services.management import supervision_tasks_for_ratings
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def officer(client, django_user_model):
    user = django_user_model.objects.create_user("xy", password="pw-Test-123", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.CREDIT_OFFICER))
    client.force_login(user)
    return user


def _namesakes():
    """Three workers called 丹珠, each with another employer, and the employers."""
    employers = [EnterpriseFactory(name=n) for n in ("巧手家政", "雪域家政", "白龙江保洁部")]
    workers = []
    for employer in employers:
        worker = WorkerFactory(name="丹珠")
        EmploymentFactory(worker=worker, enterprise=employer)
        workers.append(worker)
    return employers, workers


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S)[1:]


def test_the_rating_list_tells_namesakes_apart(client, officer, django_assert_max_num_queries):
    employers, workers = _namesakes()
    rating_run_year(actor=None, year=2025, sync=True)
    url = reverse("admin:credit_rating_changelist")

    with django_assert_max_num_queries(20):
        page = client.get(url, {"subject": "worker"}).content.decode()
    rows = [r for r in _rows(page) if "丹珠" in r]
    assert len(rows) == 3
    assert "对象类型" in page and "现工作单位" in page
    for worker, employer in zip(workers, employers, strict=True):
        (row,) = [r for r in rows if employer.name in r]
        assert f"****{worker.id_last4}" in row and "从业人员" in row
    # Only the last four characters of an ID number are ever on the list.
    for worker in workers:
        assert worker.id_number_masked not in page
    # Workers only: no enterprise row.
    assert not any("巧手家政" in r and "家政企业" in r for r in _rows(page))

    enterprises = client.get(url, {"subject": "enterprise"}).content.decode()
    assert "丹珠" not in enterprises and "巧手家政" in enterprises

    by_employer = client.get(url, {"employer": employers[1].pk}).content.decode()
    rows = [r for r in _rows(by_employer) if "丹珠" in r]
    assert len(rows) == 1 and f"****{workers[1].id_last4}" in rows[0]
    # The filter lists the employers by name; a malformed value lists nothing.
    assert "雪域家政" in page
    assert "丹珠" not in client.get(url, {"employer": "x"}).content.decode()


# --- Doubled words -----------------------------------------------------------------------------

# A phrase written twice in a row ("家政企业家政企业"), or a negation glued onto a label that
# already starts with one ("无无犯罪记录").
DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,})\1|(\d+年)\2|无无|未未|不不|非非")


def doubled(text: str) -> list[str]:
    return [m.group(0) for m in DOUBLED.finditer(text)]


def _every_document_value(indicators) -> list[dict]:
    """Inputs with every value a rule reads at its extremes: present and absent."""
    columns = set(input_columns("enterprise", indicators)) | set(
        input_columns("worker", indicators)
    )
    return [
        dict.fromkeys(columns, 0),
        dict.fromkeys(columns, 1),
        {**dict.fromkeys(columns, 5), "review_avg": Decimal("4.5"), "completeness": 100},
    ]


def test_no_standard_name_indicator_or_explanation_doubles_its_words():
    standards = list(EvaluationStandard.objects.prefetch_related("indicators"))
    assert standards
    for standard in standards:
        assert not doubled(str(standard)), str(standard)
        indicators = list(standard.indicators.all())
        for indicator in indicators:
            assert not doubled(str(indicator)), str(indicator)
            assert not doubled(indicator.description), indicator.description
        for values in _every_document_value(indicators):
            layout = input_columns(standard.subject_type, indicators)
            stored = ",".join(str(values.get(c, 0)) for c in layout)
            for code, shown, _ in explanation_from_inputs(
                standard.subject_type, indicators, stored
            ):
                assert not doubled(shown), (code, shown)
    titled = EvaluationStandard(
        year=2026, subject_type="enterprise", title="2026年家政企业信用评价标准"
    )
    assert str(titled) == "2026年家政企业信用评价标准（第1版）"


def test_the_pages_of_a_bare_worker_double_no_words(client, officer):
    """A worker with nothing on file: every document absent, every explanation sentence."""
    worker = WorkerFactory()
    EmploymentFactory(worker=worker)
    run = rating_run_year(actor=None, year=2025, sync=True)
    rating = Rating.objects.select_related("standard").get(worker=worker)
    explanation = rating_explanation(rating)
    texts = [r.shown for r in explanation.rows] + [r.advice for r in explanation.rows]
    texts += explanation.sentences
    supervision_tasks_for_ratings(actor=None, ratings=[rating])
    texts += [t.reason for t in SupervisionTask.objects.all()]
    for text in texts:
        assert not doubled(text), text
    shown = {r.code: r.shown for r in explanation.rows}
    assert shown["W-C2"] == "无犯罪记录核查未通过或未核查"
    pages = [
        reverse("admin:credit_rating_change", args=[rating.pk]),
        reverse("admin:credit_rating_changelist"),
        reverse("admin:credit_ratingrun_progress", args=[run.pk]),
        reverse("admin:credit_evaluationstandard_changelist"),
        reverse(
            "admin:credit_evaluationstandard_change",
            args=[Indicator.objects.first().standard_id],
        ),
        "/credit/standard/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = re.sub(r"<[^>]+>", " ", response.content.decode())
        assert not doubled(text), (url, doubled(text))
