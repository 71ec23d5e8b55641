import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from registry.models import PersonalDataAccess, Worker
from registry.services import records_refresh
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    EnterpriseFactory,
    HealthCertificateFactory,
    QualificationFactory,
    ServiceCategoryFactory,
    ServiceOfferingFactory,
    SkillFactory,
    TrainingFactory,
    WorkerFactory,
    make_id_number,
    township,
)
from zhouqu_jiazheng import roles


def staff_in(django_user_model, client, role, username):
    user = django_user_model.objects.create_user(username, password="pw-Test-123", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def populated_enterprise(workers: int):
    enterprise = EnterpriseFactory()
    QualificationFactory(enterprise=enterprise)
    ServiceOfferingFactory(enterprise=enterprise, category=ServiceCategoryFactory(code="x1"))
    for _ in range(workers):
        worker = WorkerFactory()
        EmploymentFactory(worker=worker, enterprise=enterprise)
        HealthCertificateFactory(worker=worker)
        BackgroundCheckFactory(worker=worker)
        TrainingFactory(worker=worker)
        SkillFactory(worker=worker)
    records_refresh()
    return enterprise


@pytest.mark.django_db
def test_worker_added_through_the_admin_is_protected_and_derived(client, django_user_model):
    staff_in(django_user_model, client, roles.CREDIT_OFFICER, "xy")
    number = make_id_number(datetime.date(1992, 11, 5), sequence=40, female=False)
    response = client.post(
        reverse("admin:registry_worker_add"),
        {
            "name": "扎西",
            "id_number": number,
            "ethnicity": "藏族",
            "phone": "13909410123",
            "township": township().pk,
            **{f"{prefix}-TOTAL_FORMS": 0 for prefix in INLINE_PREFIXES},
            **{f"{prefix}-INITIAL_FORMS": 0 for prefix in INLINE_PREFIXES},
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    worker = Worker.objects.get()
    assert (worker.gender, worker.birth_date) == ("M", datetime.date(1992, 11, 5))
    assert worker.history.count() == 1
    assert worker.history.first().history_user.username == "xy"


INLINE_PREFIXES = ["employments", "health_certificates", "background_checks", "trainings", "skills"]


@pytest.mark.django_db
def test_bad_id_number_in_the_admin_is_a_form_error_not_a_crash(client, django_user_model):
    staff_in(django_user_model, client, roles.CREDIT_OFFICER, "xy")
    response = client.post(
        reverse("admin:registry_worker_add"),
        {
            "name": "扎西",
            "id_number": "623023199211050011",
            "ethnicity": "藏族",
            **{f"{prefix}-TOTAL_FORMS": 0 for prefix in INLINE_PREFIXES},
            **{f"{prefix}-INITIAL_FORMS": 0 for prefix in INLINE_PREFIXES},
        },
    )
    assert response.status_code == 200
    assert "身份证号校验位不正确" in response.content.decode()
    assert not Worker.objects.exists()


@pytest.mark.django_db
def test_an_id_number_already_in_the_register_is_refused_and_a_blank_one_keeps_the_stored(
    client, django_user_model
):
    staff_in(django_user_model, client, roles.CREDIT_OFFICER, "xy")
    number = make_id_number(datetime.date(1990, 3, 8), sequence=41, female=True)
    form = {
        "name": "卓玛",
        "ethnicity": "藏族",
        **{f"{prefix}-TOTAL_FORMS": 0 for prefix in INLINE_PREFIXES},
        **{f"{prefix}-INITIAL_FORMS": 0 for prefix in INLINE_PREFIXES},
    }
    add = reverse("admin:registry_worker_add")
    assert client.post(add, {**form, "id_number": number}).status_code == 302
    worker = Worker.objects.get()

    again = client.post(add, {**form, "name": "卓玛二", "id_number": number})
    assert again.status_code == 200
    assert "该身份证号已登记在档，请勿重复建档。" in again.content.decode()
    assert client.post(add, {**form, "name": "卓玛三"}).status_code == 200  # required when new
    assert Worker.objects.count() == 1

    change = reverse("admin:registry_worker_change", args=[worker.pk])
    assert client.post(change, {**form, "name": "卓玛", "id_number": ""}).status_code == 302
    worker.refresh_from_db()
    assert (worker.gender, worker.birth_date) == ("F", datetime.date(1990, 3, 8))


@pytest.mark.django_db
def test_lists_and_dossiers_show_only_masked_numbers(client, django_user_model):
    enterprise = populated_enterprise(workers=2)
    worker = Worker.objects.first()
    from core import personal_data

    number = personal_data.decrypt(worker.id_number_encrypted)
    staff_in(django_user_model, client, roles.CREDIT_OFFICER, "xy")
    pages = [
        reverse("admin:registry_worker_changelist"),
        reverse("admin:registry_worker_change", args=[worker.pk]),
        reverse("admin:registry_worker_dossier", args=[worker.pk]),
        reverse("admin:registry_worker_dossier_print", args=[worker.pk]),
        reverse("admin:registry_enterprise_dossier", args=[enterprise.pk]),
        reverse("admin:registry_worker_history", args=[worker.pk]),
    ]
    for page in pages:
        html = client.get(page).content.decode()
        assert number not in html, page
    assert worker.id_number_masked in client.get(pages[2]).content.decode()


@pytest.mark.django_db
def test_reveal_through_the_admin_is_logged(client, django_user_model, admin_user):
    worker = WorkerFactory()
    from core import personal_data

    number = personal_data.decrypt(worker.id_number_encrypted)
    client.force_login(admin_user)
    url = reverse("admin:registry_worker_reveal_id", args=[worker.pk])
    assert number not in client.get(url).content.decode()
    response = client.post(url, {"reason": "核对投诉人身份"})
    assert number in response.content.decode()
    assert PersonalDataAccess.objects.filter(user=admin_user, object_id=worker.pk).count() == 1
    # A role without the permission cannot reach the page.
    staff_in(django_user_model, client, roles.CREDIT_OFFICER, "xy")
    assert client.post(url, {"reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_search_by_last_four_and_by_full_number(client, admin_user):
    worker = WorkerFactory(name="德吉卓玛")
    WorkerFactory(name="其他人")
    from core import personal_data

    number = personal_data.decrypt(worker.id_number_encrypted)
    client.force_login(admin_user)
    changelist = reverse("admin:registry_worker_changelist")
    for term in (worker.id_last4, number):
        html = client.get(changelist, {"q": term}).content.decode()
        assert "德吉卓玛" in html and "其他人" not in html


@pytest.mark.django_db
def test_health_and_background_are_hidden_from_roles_that_do_not_need_them(
    client, django_user_model
):
    populated_enterprise(workers=1)
    worker = Worker.objects.get()
    staff_in(django_user_model, client, roles.LEADER, "ld")
    html = client.get(reverse("admin:registry_worker_dossier", args=[worker.pk])).content.decode()
    assert "培训记录" in html
    assert 'id="section-health"' not in html
    assert 'id="section-background"' not in html
    assert client.get(reverse("admin:registry_healthcertificate_changelist")).status_code == 403

    staff_in(django_user_model, client, roles.CREDIT_OFFICER, "xy")
    html = client.get(reverse("admin:registry_worker_dossier", args=[worker.pk])).content.decode()
    assert 'id="section-health"' in html and 'id="section-background"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["enterprise", "worker"])
def test_dossier_queries_do_not_grow_with_the_records(client, admin_user, kind):
    client.force_login(admin_user)

    def count_queries(enterprise):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        subject = enterprise if kind == "enterprise" else enterprise.employments.first().worker
        url = reverse(f"admin:registry_{kind}_dossier", args=[subject.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count_queries(populated_enterprise(workers=2))
    large = count_queries(populated_enterprise(workers=15))
    assert large == small
    assert large <= 25


@pytest.mark.django_db
def test_enterprise_dossier_shows_status_and_what_is_missing(client, admin_user):
    enterprise = EnterpriseFactory(business_address="")
    QualificationFactory(
        enterprise=enterprise, valid_to=datetime.date.today() + datetime.timedelta(days=10)
    )
    ServiceOfferingFactory(
        enterprise=enterprise, category=ServiceCategoryFactory(code="x2"), price=500
    )
    records_refresh()
    client.force_login(admin_user)
    html = client.get(
        reverse("admin:registry_enterprise_dossier", args=[enterprise.pk])
    ).content.decode()
    for text in ("即将到期", "经营地址", "在职从业人员", "超出指导价范围", "档案完整度"):
        assert text in html, text
    printable = client.get(reverse("admin:registry_enterprise_dossier_print", args=[enterprise.pk]))
    assert "@media print" not in printable.content.decode()  # styles come from the local CSS
    assert "dossier.css" in printable.content.decode()


@pytest.mark.django_db
def test_changes_are_in_the_history(client, admin_user):
    enterprise = EnterpriseFactory()
    client.force_login(admin_user)
    history = client.get(reverse("admin:registry_enterprise_history", args=[enterprise.pk]))
    assert history.status_code == 200


@pytest.mark.django_db
def test_media_is_served_only_to_staff_with_the_right_permission(
    client, django_user_model, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "workers" / "health").mkdir(parents=True)
    (tmp_path / "workers" / "health" / "a.pdf").write_bytes(b"%PDF-1.4 test")
    (tmp_path / "enterprises").mkdir()
    (tmp_path / "enterprises" / "b.pdf").write_bytes(b"%PDF-1.4 test")
    assert client.get("/media/enterprises/b.pdf").status_code == 403
    staff_in(django_user_model, client, roles.LEADER, "ld")
    assert client.get("/media/enterprises/b.pdf").status_code == 200
    assert client.get("/media/workers/health/a.pdf").status_code == 403
    assert client.get("/media/../settings.py").status_code in (403, 404)
    staff_in(django_user_model, client, roles.CREDIT_OFFICER, "xy")
    assert client.get("/media/workers/health/a.pdf").status_code == 200
