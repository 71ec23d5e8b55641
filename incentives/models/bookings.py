"""Booking requests (预约服务、免费家政咨询): a resident asks for a service or a free consultation;
the request is offered to the enterprises taking part in the booking measure, best grade
first, and the first to accept gets the resident's contact. A request from a resident
eligible for 优先预约派单 is marked priority, shown first and has a shorter response target."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.outbox import OutboxMessage
from registry.models import Enterprise, ServiceCategory, Township

from .catalogue import IncentiveMeasure
from .residents import Resident


class BookingKind(models.TextChoices):
    SERVICE = "service", _("预约家政服务")
    CONSULTATION = "consultation", _("免费家政咨询")


class DayPart(models.TextChoices):
    MORNING = "morning", _("上午")
    AFTERNOON = "afternoon", _("下午")
    EVENING = "evening", _("晚上")
    ANY = "any", _("时间都可以")


class BookingQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(accepted_at__isnull=False)


class BookingRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("等待企业接单")
        ACCEPTED = "accepted", _("已有企业接单")
        UNANSWERED = "unanswered", _("暂无企业接单")
        CANCELLED = "cancelled", _("已取消")

    number = models.CharField("预约编号", max_length=24, unique=True, editable=False)
    kind = models.CharField("类型", max_length=15, choices=BookingKind.choices)
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name="服务项目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    township = models.ForeignKey(
        Township, verbose_name="服务地点所在乡镇", on_delete=models.PROTECT, related_name="+"
    )
    preferred_date = models.DateField("希望服务日期")
    preferred_part = models.CharField(
        "希望时段", max_length=10, choices=DayPart.choices, default=DayPart.ANY
    )
    note = models.TextField("需求说明", max_length=500, blank=True)
    contact_name = models.CharField("联系人称呼", max_length=50)
    # The mobile is protected like every personal phone (core.personal_data.phone_protect).
    mobile_encrypted = models.TextField("手机号码（密文）", editable=False)
    mobile_hash = models.CharField("手机号码索引", max_length=64, editable=False, db_index=True)
    mobile_masked = models.CharField("手机号码", max_length=11, editable=False)
    resident = models.ForeignKey(
        Resident,
        verbose_name="登记居民",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        editable=False,
    )
    priority_measure = models.ForeignKey(
        IncentiveMeasure,
        verbose_name="优先派单依据的措施",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    consultation_measure = models.ForeignKey(
        IncentiveMeasure,
        verbose_name="免费咨询依据的措施",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    is_priority = models.BooleanField("优先", default=False, db_index=True, editable=False)
    eligibility_note = models.TextField("资格说明", blank=True, editable=False)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)
    respond_by = models.DateTimeField("响应时限")
    # The language of the page the request was made on: the resident's SMS follow it.
    language = models.CharField("使用语言", max_length=16, default="zh-hans", editable=False)
    accepted_at = models.DateTimeField("接单时间", null=True, blank=True, editable=False)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="接单企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True, editable=False)
    close_reason = models.CharField("结束原因", max_length=200, blank=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=["mobile_encrypted", "mobile_hash", "eligibility_note"]
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = "预约申请"
        verbose_name_plural = "预约申请"
        ordering = ["-is_priority", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="consultation") | Q(category__isnull=False),
                name="incentives_booking_service_has_item",
                violation_error_message="预约家政服务须选择服务项目。",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | (Q(enterprise__isnull=False) & Q(accepted_at__isnull=False)),
                name="incentives_booking_accepted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def what(self) -> str:
        if self.kind == BookingKind.CONSULTATION:
            subject = f"（{self.category.name}）" if self.category_id else ""
            return gettext("免费家政咨询") + subject
        return self.category.name

    @property
    def response_seconds(self) -> float | None:
        if self.accepted_at is None:
            return None
        return (self.accepted_at - self.created_at).total_seconds()

    @property
    def kept_target(self) -> bool | None:
        if self.accepted_at is None:
            return False if self.status != self.Status.OPEN else None
        return self.accepted_at <= self.respond_by


class BookingOffer(models.Model):
    """The request as one enterprise sees it. Tier 0 (the best grade among the enterprises
    that can take it) sees it at once; each next tier from `visible_from`, earlier when every
    enterprise of the tiers before declined."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        ACCEPTED = "accepted", _("已接单")
        DECLINED = "declined", _("已谢绝")
        CLOSED = "closed", _("已结束")

    booking = models.ForeignKey(
        BookingRequest, verbose_name="预约申请", on_delete=models.CASCADE, related_name="offers"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="+"
    )
    grade = models.CharField("派单时信用等级", max_length=12)
    tier = models.PositiveSmallIntegerField("派单批次", default=0)
    visible_from = models.DateTimeField("推送时间", db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    responded_at = models.DateTimeField("处理时间", null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_reason = models.CharField("谢绝原因", max_length=200, blank=True)
    notified_at = models.DateTimeField("短信提醒时间", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["notified_at"])

    class Meta:
        verbose_name = "派单记录"
        verbose_name_plural = "派单记录"
        ordering = ["tier", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "enterprise"], name="incentives_offer_once_per_enterprise"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking} → {self.enterprise}"


class BookingNotice(OutboxMessage):
    """SMS about a booking, sent through the outbox; the number is read at sending time."""

    class Recipient(models.TextChoices):
        RESIDENT = "resident", "居民"
        ENTERPRISE = "enterprise", "企业"

    booking = models.ForeignKey(
        BookingRequest, verbose_name="预约申请", on_delete=models.CASCADE, related_name="notices"
    )
    recipient = models.CharField("接收方", max_length=10, choices=Recipient.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField("内容")

    class Meta:
        verbose_name = "预约短信"
        verbose_name_plural = "预约短信"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.booking} → {self.get_recipient_display()}"
