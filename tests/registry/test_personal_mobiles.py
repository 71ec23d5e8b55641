"""Personal mobile numbers (workers, residents, portal accounts, application contacts) are
protected like ID numbers and complainants' numbers: encrypted, a keyed hash for look-ups,
masked wherever they are shown, revealed only with the permission and a logged reason. An
enterprise's business phone stays public."""

import datetime
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from core.personal_data import phone_hash, phone_plain
from incentives.models import Resident
from incentives.services import application_submit, resident_register
from registry.models import PersonalDataAccess, Worker
from registry.services import portal_worker_add, worker_save
from tests.factories.incentives import ProgrammeFactory, ResidentFactory
from tests.factories.registry import EnterpriseFactory, WorkerFactory, make_id_number, township
from tests.portal_fixtures import portal_account
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db

# An enterprise's contact phone is published on the public pages: not personal data.
PUBLIC_PHONES = {("registry", "enterprise", "phone"), ("registry", "historicalenterprise", "phone")}
PROTECTED_SUFFIXES = ("_encrypted", "_hash", "_masked")
INLINE_PREFIXES = ["employments", "health_certificates", "background_checks", "trainings", "skills"]


def open_programme():
    today = datetime.date.today()
    return ProgrammeFactory(
        opens_on=today - datetime.timedelta(days=10), closes_on=today + datetime.timedelta(days=10)
    )


def staff(django_user_model, role: str, username: str) -> Client:
    user = django_user_model.objects.create_user(username, password="pw-Test-123", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def test_no_model_keeps_a_personal_phone_in_clear():
    """Every text column named like a phone or mobile, in every app and history table, is
    one of the protected columns (or the enterprise's public phone)."""
    offenders = []
    for model in apps.get_models():
        app_label = model._meta.app_label
        if app_label not in roles.PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if not re.search(r"phone|mobile", field.name):
                continue
            if field.name.endswith(PROTECTED_SUFFIXES):
                continue
            if (app_label, model._meta.model_name, field.name) in PUBLIC_PHONES:
                continue
            offenders.append(f"{app_label}.{model.__name__}.{field.name}")
    assert offenders == []


def _everything_stored(tables: list[str]) -> str:
    with connection.cursor() as cursor:
        text = []
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")
            text.extend(str(value) for row in cursor.fetchall() for value in row)
    return " ".join(text)


def test_numbers_never_reach_the_tables_or_their_history(django_user_model):
    officer = staff(django_user_model, roles.CREDIT_OFFICER, "xy").user
    enterprise = EnterpriseFactory(phone="0941-5123456")
    worker = worker_save(
        actor=officer,
        worker=Worker(name="才让", ethnicity="藏族", township=township()),
        id_number=make_id_number(datetime.date(1980, 3, 3), sequence=31),
        phone="139 0941 6001",
    )
    worker = worker_save(actor=officer, worker=worker, phone="13909416002")
    added = portal_worker_add(
        actor=officer,
        enterprise=enterprise,
        name="卓玛",
        id_number=make_id_number(datetime.date(1985, 4, 4), sequence=32),
        started_on=datetime.date(2025, 1, 1),
        phone="13909416003",
    )
    account = portal_account(enterprise)
    account_number = phone_plain(account, "mobile")
    resident = resident_register(
        actor=officer,
        resident=Resident(name="扎西", township=township()),
        id_number=make_id_number(datetime.date(1950, 5, 5), sequence=33),
        mobile="+86 139 0941 6004",
    )
    application = application_submit(
        actor=None,
        programme=open_programme(),
        enterprise=enterprise,
        statement="申请",
        contact_person="马经理",
        contact_phone="13909416005",
    )
    stored = _everything_stored(
        [
            "registry_worker",
            "registry_historicalworker",
            "registry_portalaccount",
            "registry_historicalportalaccount",
            "incentives_resident",
            "incentives_historicalresident",
            "incentives_supportapplication",
            "incentives_historicalsupportapplication",
        ]
    )
    for number in ("13909416001", "13909416002", "13909416003", account_number):
        assert number not in stored
    for number in ("13909416004", "13909416005"):
        assert number not in stored
    assert "139****6002" in stored and "139****6004" in stored and "139****6005" in stored
    assert phone_plain(worker, "phone") == "13909416002"
    assert phone_plain(added.worker, "phone") == "13909416003"
    assert phone_plain(resident, "mobile") == "13909416004"
    assert phone_plain(application, "contact_phone") == "13909416005"
    assert worker.phone_hash == phone_hash("13909416002")
    # The enterprise's own phone stays public, in clear.
    assert "0941-5123456" in _everything_stored(["registry_enterprise"])


def protected_records(enterprise):
    """One record of each kind, each holding its own number; (admin change URL, number)."""
    worker = WorkerFactory(phone="13909417001")
    account = portal_account(enterprise)
    resident = ResidentFactory(mobile="13909417003")
    application = application_submit(
        actor=None,
        programme=open_programme(),
        enterprise=enterprise,
        statement="申请",
        contact_person="马经理",
        contact_phone="13909417004",
    )
    return [
        ("registry", "worker", worker, "13909417001"),
        ("portal", "portalaccount", account, phone_plain(account, "mobile")),
        ("incentives", "resident", resident, "13909417003"),
        ("incentives", "supportapplication", application, "13909417004"),
    ]


def _masked(number: str) -> str:
    return number[:3] + "****" + number[-4:]


@pytest.mark.parametrize("role", roles.ROLES)
def test_admin_pages_show_every_role_the_masked_number_only(django_user_model, role):
    client = staff(django_user_model, role, "someone")
    for app_label, model_name, record, number in protected_records(EnterpriseFactory()):
        for url in (
            reverse(f"admin:{app_label}_{model_name}_changelist"),
            reverse(f"admin:{app_label}_{model_name}_change", args=[record.pk]),
            reverse(f"admin:{app_label}_{model_name}_history", args=[record.pk]),
        ):
            response = client.get(url)
            if response.status_code == 403:
                continue  # the role may not see this register at all
            page = response.content.decode()
            assert response.status_code == 200, url
            assert number not in page, (role, url)
        change = client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[record.pk]))
        if change.status_code == 200:
            assert _masked(number) in change.content.decode(), (role, model_name)


def test_the_worker_dossier_shows_the_mobile_masked(django_user_model):
    worker = WorkerFactory(phone="13909417011")
    for role in roles.ROLES:
        client = staff(django_user_model, role, f"u-{len(role)}-{role}")
        page = client.get(reverse("admin:registry_worker_dossier", args=[worker.pk]))
        if page.status_code == 200:
            assert "13909417011" not in page.content.decode()
            assert "139****7011" in page.content.decode()


def test_the_leader_cannot_reveal_and_sees_no_link(django_user_model):
    leader = staff(django_user_model, roles.LEADER, "lingdao")
    for app_label, model_name, record, _number in protected_records(EnterpriseFactory()):
        change = reverse(f"admin:{app_label}_{model_name}_change", args=[record.pk])
        reveal = reverse(f"admin:{app_label}_{model_name}_reveal_mobile", args=[record.pk])
        assert reveal not in leader.get(change).content.decode()
        assert leader.get(reveal).status_code == 403
        assert leader.post(reveal, {"reason": "想看看"}).status_code == 403
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize("role", [roles.SYSTEM_ADMIN, roles.CREDIT_OFFICER])
def test_register_keepers_reveal_with_a_reason_and_it_is_logged(django_user_model, role):
    client = staff(django_user_model, role, "keeper")
    for app_label, model_name, record, number in protected_records(EnterpriseFactory()):
        change = reverse(f"admin:{app_label}_{model_name}_change", args=[record.pk])
        reveal = reverse(f"admin:{app_label}_{model_name}_reveal_mobile", args=[record.pk])
        assert reveal in client.get(change).content.decode()
        form = client.get(reveal).content.decode()
        assert "请填写事由" in form and number not in form
        refused = client.post(reveal, {"reason": "   "}).content.decode()
        assert number not in refused and "这个字段是必填项" in refused
        shown = client.post(reveal, {"reason": "回访投诉当事人"}).content.decode()
        assert number in shown and "本次查看已记录" in shown
        access = PersonalDataAccess.objects.latest("accessed_at")
        assert (access.user, access.object_id, access.reason) == (
            client.user,
            record.pk,
            "回访投诉当事人",
        )
        assert access.content_type.model == model_name
        assert access.field in ("手机号码", "联系电话")
    assert PersonalDataAccess.objects.count() == 4


def test_the_complaint_officer_cannot_reveal_register_numbers(django_user_model):
    officer = staff(django_user_model, roles.COMPLAINT_OFFICER, "tousu")
    worker = WorkerFactory(phone="13909417021")
    reveal = reverse("admin:registry_worker_reveal_mobile", args=[worker.pk])
    assert officer.post(reveal, {"reason": "核对"}).status_code == 403


@pytest.mark.parametrize(
    "typed",
    ["13909417031", "139 0941 7031", "139-0941-7031", "+86 13909417031", "１３９０９４１７０３１"],
)
def test_admin_search_by_a_full_mobile_goes_through_the_hash(django_user_model, typed):
    client = staff(django_user_model, roles.SYSTEM_ADMIN, "admin2")
    enterprise = EnterpriseFactory()
    worker = WorkerFactory(name="要找的人", phone="13909417031")
    WorkerFactory(name="别的人", phone="13909417032")
    resident = ResidentFactory(name="要找的居民", mobile="13909417031")
    ResidentFactory(name="别的居民", mobile="13909417032")
    account = portal_account(enterprise)
    application = application_submit(
        actor=None,
        programme=open_programme(),
        enterprise=enterprise,
        statement="申请",
        contact_person="马经理",
        contact_phone="13909417031",
    )
    found = {
        "registry_worker": (worker.name, "别的人"),
        "incentives_resident": (resident.name, "别的居民"),
    }
    for admin_name, (wanted, other) in found.items():
        page = client.get(reverse(f"admin:{admin_name}_changelist"), {"q": typed})
        text = page.content.decode()
        assert wanted in text and other not in text, admin_name
    accounts = client.get(
        reverse("admin:portal_portalaccount_changelist"), {"q": phone_plain(account, "mobile")}
    )
    assert account.user.get_username() in accounts.content.decode()
    applications = client.get(
        reverse("admin:incentives_supportapplication_changelist"), {"q": typed}
    )
    assert "1 条结果" in applications.content.decode() or application.enterprise.name in (
        applications.content.decode()
    )
    # The last four digits still find a record (they are part of the masked number).
    assert (
        worker.name
        in client.get(reverse("admin:registry_worker_changelist"), {"q": "7031"}).content.decode()
    )


def test_the_admin_form_keeps_changes_and_removes_the_worker_mobile(django_user_model):
    client = staff(django_user_model, roles.CREDIT_OFFICER, "xy")
    worker = WorkerFactory(phone="13909417041")
    url = reverse("admin:registry_worker_change", args=[worker.pk])
    page = client.get(url).content.decode()
    assert 'value="139****7041"' in page and "13909417041" not in page

    def post(phone: str):
        return client.post(
            url,
            {
                "name": worker.name,
                "ethnicity": worker.ethnicity,
                "phone": phone,
                "township": worker.township_id,
                **{f"{prefix}-TOTAL_FORMS": 0 for prefix in INLINE_PREFIXES},
                **{f"{prefix}-INITIAL_FORMS": 0 for prefix in INLINE_PREFIXES},
            },
        )

    assert post("139****7041").status_code == 302  # left as shown: unchanged
    worker.refresh_from_db()
    assert phone_plain(worker, "phone") == "13909417041"
    assert post("139 0941 7042").status_code == 302
    worker.refresh_from_db()
    assert phone_plain(worker, "phone") == "13909417042"
    assert worker.phone_masked == "139****7042"
    bad = post("139****70")
    assert bad.status_code == 200 and "手机号码应为11位数字" in bad.content.decode()
    assert post("").status_code == 302
    worker.refresh_from_db()
    assert (worker.phone_encrypted, worker.phone_hash, worker.phone_masked) == ("", "", "")


def test_the_portal_shows_the_enterprise_masked_numbers(django_user_model):
    enterprise = EnterpriseFactory()
    account = portal_account(enterprise)
    client = Client()
    client.force_login(account.user)
    added = portal_worker_add(
        actor=account.user,
        enterprise=enterprise,
        name="卓玛",
        id_number=make_id_number(datetime.date(1985, 4, 4), sequence=35),
        started_on=datetime.date(2025, 1, 1),
        phone="13909417051",
    )
    application = application_submit(
        actor=account.user,
        programme=open_programme(),
        enterprise=enterprise,
        statement="申请",
        contact_person="马经理",
        contact_phone="13909417052",
    )
    pages = [
        reverse("portal:workers"),
        reverse("portal:worker", args=[added.employment.pk]),
        reverse("portal:incentives_application", args=[application.pk]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "13909417051" not in page and "13909417052" not in page, url
    assert "139****7051" in client.get(pages[1]).content.decode()
    assert "139****7052" in client.get(pages[2]).content.decode()
