"""Registry's waiting work on the dashboard's inbox (core.inbox)."""

from django.db.models import Q

from core.inbox import INBOX_SOURCES, InboxSource

from .models import ChangeRequest, HealthCertificate, TrainingRecord

UPLOAD_NOTE = "企业上传，核验后才计入档案；绿色通道优先，可在列表中勾选后批量核验"


def register() -> None:
    INBOX_SOURCES.register(
        InboxSource(
            "fast_track",
            9,
            ChangeRequest,
            "绿色通道：守信企业变更申请待审核",
            lambda today: Q(status=ChangeRequest.Status.PENDING, fast_track=True),
            {"status__exact": ChangeRequest.Status.PENDING, "fast_track__exact": "1"},
            due_field="review_due_on",
            note="AA级及以上企业的申请，优先审核",
        )
    )
    INBOX_SOURCES.register(
        InboxSource(
            "change_requests",
            10,
            ChangeRequest,
            "企业信息变更申请待审核",
            lambda today: Q(status=ChangeRequest.Status.PENDING),
            {"status__exact": ChangeRequest.Status.PENDING},
            due_field="review_due_on",
            note="绿色通道优先，其余按审核时限先后审核",
        )
    )
    for key, order, model, label in (
        ("health_certificates", 40, HealthCertificate, "健康证待核验"),
        ("training_records", 50, TrainingRecord, "培训记录待核验"),
    ):
        INBOX_SOURCES.register(
            InboxSource(
                key,
                order,
                model,
                label,
                lambda today: Q(verified=False),
                {"verified__exact": "0"},
                due_field="review_due_on",
                note=UPLOAD_NOTE,
            )
        )
