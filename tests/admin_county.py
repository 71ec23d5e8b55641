"""A small county for tests that walk the whole back office: the demo seeders with a handful
of subjects, plus one row of every model the demo leaves empty, so that every registered
ModelAdmin has an object to open.

    from tests.admin_county import admin_county, role_clients

`admin_county()` returns {model: one object} for every registered model; it raises if one has
no object, so an admin registered later without a row here fails the tests that use it.
"""

import datetime
from decimal import Decimal
from io import StringIO

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from credit.models import CreditEvent, EventKind, Objection, Rating, RepairRequest
from demo.seed import demo_seed
from registry.models import ChangeRequest, Enterprise, LedgerImport, PersonalDataAccess, Worker
from reporting.models import AnnualReport
from zhouqu_jiazheng import roles
from zhouqu_jiazheng.models import WorkerHeartbeat

PASSWORD = "pw-Admin-2025"


def _rows_the_demo_leaves_empty(superuser) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="worker-1", last_seen=now)
    AnnualReport.objects.create(year=2025, requested_by=superuser)
    enterprise = Enterprise.objects.order_by("pk").first()
    worker = Worker.objects.order_by("pk").first()
    PersonalDataAccess.objects.create(
        user=superuser,
        content_type=ContentType.objects.get_for_model(Worker),
        object_id=worker.pk,
        subject_label=worker.name,
        field="身份证号",
        reason="核对身份",
    )
    ledger = LedgerImport(kind=LedgerImport.Kind.WORKERS, original_name="台账.xlsx")
    ledger.uploaded_by = superuser
    ledger.file.save("ledger.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    ledger.save()
    ChangeRequest.objects.create(
        enterprise=enterprise,
        kind=ChangeRequest.Kind.PROFILE,
        changes={"phone": {"label": "联系电话", "old": enterprise.phone, "new": "09415123456"}},
    )
    rating = Rating.objects.filter(enterprise__isnull=False).order_by("pk").first()
    Objection.objects.create(
        rating=rating, reasons="服务评价有误", due_on=timezone.localdate() + datetime.timedelta(10)
    )
    event = CreditEvent.objects.create(
        enterprise=enterprise,
        kind=EventKind.PENALTY,
        severity="general",
        occurred_on=datetime.date(2025, 6, 1),
        title="未按规定公示收费标准",
    )
    RepairRequest.objects.create(
        event=event, reasons="已整改", due_on=timezone.localdate() + datetime.timedelta(15)
    )
    every_day = CrontabSchedule.objects.create(minute="30", hour="2")
    IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    SolarSchedule.objects.create(
        event="sunrise", latitude=Decimal("33.78"), longitude=Decimal("104.37")
    )
    ClockedSchedule.objects.create(clocked_time=now + datetime.timedelta(days=1))
    PeriodicTask.objects.create(
        name="每日刷新档案", task="registry.tasks.refresh_records", crontab=every_day
    )
    attempt = {"user_agent": "Mozilla/5.0", "http_accept": "text/html", "path_info": "/admin/"}
    AccessAttempt.objects.create(
        **attempt, username="someone", get_data="", post_data="", failures_since_start=1
    )
    AccessLog.objects.create(**attempt, username="xinyong")
    AccessFailureLog.objects.create(**attempt, username="someone")


def admin_county() -> dict:
    """Seed the small county and return {model: one object} for every registered model."""
    roles.roles_sync()
    superuser = get_user_model().objects.create_superuser("root", password=PASSWORD)
    demo_seed(enterprises=3, workers=8)
    _rows_the_demo_leaves_empty(superuser)
    # Rows seeded by migrations have no history yet; give them their first version.
    call_command("populate_history", auto=True, stdout=StringIO())
    objects, missing = {}, []
    for model in admin.site._registry:
        rows = model._default_manager.order_by("pk")
        if hasattr(model, "history"):
            # One with a history, so that its history pages have a version to open.
            with_history = rows.filter(pk__in=model.history.values("id"))
            rows = with_history if with_history.exists() else rows
        obj = rows.first()
        if obj is None:
            missing.append(model._meta.label)
        objects[model] = obj
    if missing:
        raise AssertionError(f"no object to open in the admin for: {', '.join(missing)}")
    return objects


def role_clients() -> dict[str, Client]:
    """A logged-in client for the superuser (key "superuser") and for a member of each role."""
    User = get_user_model()
    clients = {}
    root = User.objects.filter(is_superuser=True).first()
    client = Client()
    client.force_login(root)
    clients["superuser"] = client
    for role in roles.ROLES:
        user = User.objects.create_user(f"role-{roles.ROLES.index(role)}", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        client = Client()
        client.force_login(user)
        client.user = user
        clients[role] = client
    clients["superuser"].user = root
    return clients
