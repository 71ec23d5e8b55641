"""The public disclosure lists: 行政处罚公示 (/credit/penalties/) and 重点管理名单
(/credit/key-list/) — who is shown, for how long, and what of them."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from core import personal_data
from credit.models import EventKind, Severity
from credit.services import credit_event_record, credit_event_revoke
from credit.services.management import key_list_add, key_list_remove
from credit.services.repair import credit_event_mark_repaired
from credit.views import DISCLOSURE_PAGE_SIZE
from tests.credit.test_event_import import enterprise_row, run, subjects, xlsx  # noqa: F401
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory

pytestmark = pytest.mark.django_db

PENALTIES = "/credit/penalties/"
KEY_LIST = "/credit/key-list/"
DECIDED = datetime.date(2025, 3, 10)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("xinyong", password="pw-Test-123", is_staff=True)


def on(day: datetime.date):
    """The clock at noon (Asia/Shanghai) on `day`."""
    noon = datetime.datetime(day.year, day.month, day.day, 4, tzinfo=datetime.UTC)
    return time_machine.travel(noon)


def penalise(staff, subject, *, title="未公示收费标准", days=90, **fields):
    key = "enterprise" if subject.__class__.__name__ == "Enterprise" else "worker"
    fields.setdefault("severity", Severity.GENERAL)
    return credit_event_record(
        actor=staff,
        kind=EventKind.PENALTY,
        occurred_on=fields.pop("occurred_on", DECIDED),
        title=title,
        disclosure_days=days,
        **{key: subject},
        **fields,
    )


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def entries(html: str) -> list[str]:
    return re.findall(r'<li class="result disclosure-entry">.*?</li>', html, re.S)


# --- URLs and the home page ---------------------------------------------------------------------


def test_the_lists_have_their_addresses_and_are_linked_from_the_home_page(client):
    assert reverse("credit:penalties") == PENALTIES
    assert reverse("credit:key_list") == KEY_LIST
    home = page(client, "/")
    assert f'href="{PENALTIES}"' in home and "行政处罚公示" in home
    assert f'href="{KEY_LIST}"' in home and "重点管理名单" in home


@pytest.mark.parametrize("url", [PENALTIES, KEY_LIST])
def test_the_lists_need_no_javascript_and_nothing_from_outside(client, url):
    html = page(client, url)
    assert "<script" not in html
    for source in re.findall(r'(?:src|href|action)="([^"]+)"', html):
        assert not source.startswith(("http://", "https://", "//")), source


# --- 行政处罚公示 -------------------------------------------------------------------------------


def test_a_penalty_shows_its_reason_basis_authority_decision_date_and_end(client, staff):
    enterprise = EnterpriseFactory(name="舟曲县巧手家政服务有限公司")
    penalise(
        staff,
        enterprise,
        legal_basis="《中华人民共和国价格法》第四十二条",
        authority="舟曲县市场监督管理局",
    )
    with on(datetime.date(2025, 4, 1)):
        html = page(client, PENALTIES)
    [entry] = entries(html)
    assert enterprise.name in entry and enterprise.uscc in entry
    assert "未公示收费标准" in entry
    assert "《中华人民共和国价格法》第四十二条" in entry
    assert "舟曲县市场监督管理局" in entry
    assert "2025年3月10日" in entry  # the decision
    assert "2025年6月8日" in entry  # 公示截止日期: 90 days later


def test_a_penalty_without_a_recorded_basis_or_authority_shows_a_dash(client, staff):
    penalise(staff, EnterpriseFactory())
    with on(datetime.date(2025, 4, 1)):
        [entry] = entries(page(client, PENALTIES))
    assert "<dt>处罚依据</dt><dd>—</dd>" in entry
    assert "<dt>决定机关</dt><dd>—</dd>" in entry


def test_a_penalty_is_shown_on_the_last_day_of_its_period_and_not_the_day_after(client, staff):
    event = penalise(staff, EnterpriseFactory(name="城关镇保洁公司"))
    assert event.disclosure_until == datetime.date(2025, 6, 8)
    with on(datetime.date(2025, 6, 8)):
        assert "城关镇保洁公司" in page(client, PENALTIES)
    with on(datetime.date(2025, 6, 9)):
        html = page(client, PENALTIES)
    assert "城关镇保洁公司" not in html and "目前没有公示期内的行政处罚" in html


def test_a_penalty_is_not_shown_before_its_decision_date(client, staff):
    penalise(staff, EnterpriseFactory(name="大川镇家政部"), occurred_on=datetime.date(2025, 5, 2))
    with on(datetime.date(2025, 5, 1)):
        assert "大川镇家政部" not in page(client, PENALTIES)
    with on(datetime.date(2025, 5, 2)):
        assert "大川镇家政部" in page(client, PENALTIES)


def test_a_repaired_or_revoked_penalty_leaves_the_page(client, staff):
    repaired = penalise(staff, EnterpriseFactory(name="修复家政"))
    revoked = penalise(staff, EnterpriseFactory(name="撤销家政"))
    kept = penalise(staff, EnterpriseFactory(name="仍在公示家政"))
    with on(datetime.date(2025, 4, 1)):
        credit_event_mark_repaired(actor=staff, event=repaired, reason="已整改，信用修复")
        credit_event_revoke(actor=staff, event=revoked, reason="处罚决定被撤销")
        html = page(client, PENALTIES)
    assert "修复家政" not in html and "撤销家政" not in html
    assert kept.enterprise.name in html and "共1条" in html


def test_other_negative_records_are_not_penalties(client, staff):
    credit_event_record(
        actor=staff,
        kind=EventKind.SPOT_CHECK_FAILED,
        occurred_on=DECIDED,
        title="抽查不合格",
        enterprise=EnterpriseFactory(name="抽查家政"),
    )
    with on(datetime.date(2025, 4, 1)):
        assert "抽查家政" not in page(client, PENALTIES)


def test_a_worker_is_shown_by_masked_name_and_employer_never_by_id_or_mobile(client, staff):
    employer = EnterpriseFactory(name="舟曲县月嫂之家")
    worker = WorkerFactory(name="扎西卓玛", phone="13809417766")
    EmploymentFactory(worker=worker, enterprise=employer)
    penalise(staff, worker, title="无证上岗")
    with on(datetime.date(2025, 4, 1)):
        html = page(client, PENALTIES)
    [entry] = entries(html)
    assert "扎**玛" in entry and "所在企业：舟曲县月嫂之家" in entry
    assert "扎西卓玛" not in html
    assert worker.id_number_masked not in html
    assert personal_data.decrypt(worker.id_number_encrypted) not in html
    assert "13809417766" not in html and worker.phone_masked not in html
    # An enterprise's code is public; a worker has none to show.
    assert "统一社会信用代码" not in entry


def test_search_by_enterprise_name_or_code_finds_its_workers_too(client, staff):
    employer = EnterpriseFactory(name="舟曲县巴藏家政服务部")
    other = EnterpriseFactory(name="舟曲县峰迭保洁")
    worker = WorkerFactory(name="李秀英")
    EmploymentFactory(worker=worker, enterprise=employer)
    penalise(staff, employer, title="虚假宣传服务资质")
    penalise(staff, worker, title="无证上岗")
    penalise(staff, other, title="超出公示价格收费")
    with on(datetime.date(2025, 4, 1)):
        by_name = page(client, PENALTIES, q="巴藏")
        by_code = page(client, PENALTIES, q=f" {employer.uscc.lower()} ")
        by_worker_name = page(client, PENALTIES, q="李秀英")
    for html in (by_name, by_code):
        assert "共2条" in html
        assert "虚假宣传服务资质" in html and "无证上岗" in html
        assert "超出公示价格收费" not in html
    # A worker's own name finds nothing: the list cannot confirm a named person is on it.
    assert "共0条" in by_worker_name and "没有找到与“李秀英”有关" in by_worker_name


def test_a_search_too_long_is_refused_with_a_message(client):
    html = page(client, PENALTIES, q="家" * 101)
    assert "最多" in html or "不能超过" in html


def test_the_list_is_paginated_in_a_fixed_number_of_queries(
    client, staff, django_assert_max_num_queries
):
    enterprise = EnterpriseFactory()
    for n in range(DISCLOSURE_PAGE_SIZE + 3):
        penalise(staff, enterprise, title=f"处罚{n:02d}")
    for n in range(5):
        worker = WorkerFactory()
        EmploymentFactory(worker=worker, enterprise=enterprise)
        penalise(staff, worker, title=f"人员处罚{n}", occurred_on=datetime.date(2025, 3, 20))
    with on(datetime.date(2025, 4, 1)), django_assert_max_num_queries(8):
        first = page(client, PENALTIES)
    assert len(entries(first)) == DISCLOSURE_PAGE_SIZE
    assert "第1页，共2页" in first and 'rel="next"' in first
    with on(datetime.date(2025, 4, 1)):
        second = page(client, PENALTIES, page=2)
    assert len(entries(second)) == 8


# --- 重点管理名单 -------------------------------------------------------------------------------


def test_an_entry_shows_reason_basis_listing_and_removal_dates(client, staff):
    enterprise = EnterpriseFactory(name="舟曲县失信家政公司")
    key_list_add(
        actor=staff,
        enterprise=enterprise,
        reason="隐瞒服务人员犯罪记录",
        basis="舟曲县工业和信息化和商务局认定书〔2025〕3号",
        starts_on=datetime.date(2025, 3, 1),
        ends_on=datetime.date(2026, 3, 1),
    )
    with on(datetime.date(2025, 4, 1)):
        [entry] = entries(page(client, KEY_LIST))
    assert enterprise.name in entry and enterprise.uscc in entry
    assert "隐瞒服务人员犯罪记录" in entry
    assert "认定书〔2025〕3号" in entry
    assert "2025年3月1日" in entry and "2026年3月1日" in entry


def test_an_entry_is_shown_on_its_last_day_and_not_on_its_removal_date(client, staff):
    key_list_add(
        actor=staff,
        enterprise=EnterpriseFactory(name="到期家政"),
        reason="严重失信",
        basis="认定书",
        starts_on=datetime.date(2025, 3, 1),
        ends_on=datetime.date(2025, 9, 1),
    )
    with on(datetime.date(2025, 2, 28)):
        assert "到期家政" not in page(client, KEY_LIST)
    with on(datetime.date(2025, 8, 31)):  # the last day under management
        assert "到期家政" in page(client, KEY_LIST)
    with on(datetime.date(2025, 9, 1)):
        html = page(client, KEY_LIST)
    assert "到期家政" not in html and "目前重点管理名单中没有" in html


def test_an_entry_removed_early_after_repair_leaves_the_list(client, staff):
    entry = key_list_add(
        actor=staff,
        enterprise=EnterpriseFactory(name="已修复家政"),
        reason="严重失信",
        basis="认定书",
        starts_on=datetime.date(2025, 3, 1),
    )
    with on(datetime.date(2025, 6, 1)):
        assert "已修复家政" in page(client, KEY_LIST)
        key_list_remove(actor=staff, entry=entry, reason="信用修复，准予移出")
        assert "已修复家政" not in page(client, KEY_LIST)


def test_a_listed_worker_is_shown_masked_with_the_employer(client, staff):
    employer = EnterpriseFactory(name="舟曲县贴心家政")
    worker = WorkerFactory(name="王芳", phone="13809415544")
    EmploymentFactory(worker=worker, enterprise=employer)
    key_list_add(
        actor=staff,
        worker=worker,
        reason="盗窃雇主财物",
        basis="舟曲县人民法院刑事判决书",
        starts_on=datetime.date(2025, 3, 1),
    )
    with on(datetime.date(2025, 4, 1)):
        html = page(client, KEY_LIST)
        found = page(client, KEY_LIST, q="贴心")
    [entry] = entries(html)
    assert "王*" in entry and "所在企业：舟曲县贴心家政" in entry
    assert "王芳" not in html
    assert worker.id_number_masked not in html and "13809415544" not in html
    assert "共1条" in found


# --- Where the legal basis and the authority come from -------------------------------------------


@pytest.mark.usefixtures("subjects")
def test_the_legal_basis_and_authority_come_in_through_the_import(admin_user, client):
    data = xlsx(
        [
            enterprise_row(
                **{
                    "发生日期": datetime.date(2025, 3, 1),
                    "处罚依据": "《中华人民共和国反不正当竞争法》第八条、第二十条",
                    "决定机关": "舟曲县市场监督管理局",
                }
            )
        ]
    )
    assert run(data, admin_user).written
    with on(datetime.date(2025, 4, 1)):
        [entry] = entries(page(client, PENALTIES))
    assert "《中华人民共和国反不正当竞争法》第八条、第二十条" in entry
    assert "舟曲县市场监督管理局" in entry


def test_the_admin_form_records_the_legal_basis_and_authority(admin_client):
    html = admin_client.get(reverse("admin:credit_creditevent_add")).content.decode()
    assert 'name="legal_basis"' in html and "处罚依据" in html
    assert 'name="authority"' in html and "决定机关" in html
