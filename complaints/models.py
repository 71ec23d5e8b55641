"""Complaints (投诉) from residents and their handling.

A complaint moves through one status machine (`complaints.services.handling`); its
deadlines are counted in working days on China's official calendar (`core.workdays`).
The complainant's mobile number is personal data: it is stored encrypted, looked up by a
keyed hash and shown masked.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.files import validate_upload
from core.outbox import OutboxMessage
from registry.models import Enterprise, ServiceCategory, Township, Worker

# The choices are part of the models' interface (`from complaints.models import Status`).
from .choices import (
    CaseType,
    Category,
    Channel,
    DeadlineState,
    PriceFinding,
    ReferralBody,
    ReportCategory,
    Stage,
    Status,
)


def unit_price(amount: Decimal, quantity: Decimal | None) -> Decimal:
    """What was charged per unit of a service item: the amount over the quantity (1 when
    none is given), to the fen."""
    return (amount / (quantity or 1)).quantize(Decimal("0.01"))


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        """Cases still in the bureau's hands: neither closed nor referred elsewhere."""
        return self.exclude(status__in=[Status.CLOSED, Status.REFERRED])

    def against(self, enterprise: Enterprise):
        """Complaints about the enterprise or one of the workers named with it."""
        return self.filter(enterprise=enterprise)


class Complaint(models.Model):
    tracking_number = models.CharField("投诉编号", max_length=16, unique=True, editable=False)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )

    channel = models.CharField(
        "受理渠道", max_length=10, choices=Channel.choices, default=Channel.WEB, editable=False
    )
    case_type = models.CharField(
        "案件类型",
        max_length=10,
        choices=CaseType.choices,
        default=CaseType.COMPLAINT,
        editable=False,
        db_index=True,
    )
    # The language of the page the case was submitted on: the complainant's SMS and
    # e-mails about the case are written in it.
    language = models.CharField("使用语言", max_length=16, default="zh-hans", editable=False)
    complainant_name = models.CharField("投诉人姓名", max_length=50)
    phone_encrypted = models.TextField("手机号码（密文）", editable=False)
    phone_hash = models.CharField("手机号码索引", max_length=64, editable=False, db_index=True)
    phone_masked = models.CharField("手机号码", max_length=11, editable=False)
    email = models.EmailField("电子邮箱", blank=True)
    township = models.ForeignKey(
        Township, verbose_name="所在乡镇", on_delete=models.PROTECT, related_name="complaints"
    )

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="被投诉企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    enterprise_text = models.CharField(
        "被投诉企业（投诉人填写）",
        max_length=100,
        blank=True,
        help_text="投诉人不知道企业全称时填写的名称或描述，受理时请关联到登记的企业。",
    )
    worker = models.ForeignKey(
        Worker,
        verbose_name="涉及的从业人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    # The standard service agreement the complainant named: ties the case to the exact
    # service, enterprise and worker.
    service_agreement = models.ForeignKey(
        "agreements.ServiceAgreement",
        verbose_name="服务约定",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    service_date = models.DateField("服务日期")
    service_category = models.ForeignKey(
        ServiceCategory,
        verbose_name="服务类别",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A 投诉 has a complaint category, a 举报 a report category (never both: statistics
    # count them apart).
    category = models.CharField("投诉类别", max_length=20, choices=Category.choices, blank=True)
    report_category = models.CharField(
        "举报类别", max_length=20, choices=ReportCategory.choices, blank=True, db_index=True
    )
    # 举报: where the reported business operates (an unlicensed one is in no register), and
    # the number or QR token of the home-service card the reporter saw, if any.
    subject_address = models.CharField("经营地点", max_length=200, blank=True)
    reported_card = models.CharField("服务证编号", max_length=100, blank=True)
    # 乱收费: what the resident says was charged, and the published price and guide range of
    # the service item as they stood when the complaint came in (the price list may change).
    charged_amount = models.DecimalField(
        "实际收费（元）",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    charged_quantity = models.DecimalField(
        "服务数量",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="按服务项目的计价单位，如3小时、2次；未填按1计。",
        validators=[MinValueValidator(0)],
    )
    published_price = models.DecimalField(
        "企业公示价格（投诉时）",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    guide_price_min = models.DecimalField(
        "指导价下限（投诉时）",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    guide_price_max = models.DecimalField(
        "指导价上限（投诉时）",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    price_unit = models.CharField("计价单位", max_length=10, blank=True, editable=False)
    price_finding = models.CharField(
        "收费比对",
        max_length=20,
        choices=PriceFinding.choices,
        blank=True,
        editable=False,
    )
    description = models.TextField("投诉事由")
    desired_outcome = models.TextField("诉求")
    consent_at = models.DateTimeField("同意个人信息告知时间", editable=False)

    received_at = models.DateTimeField("收到时间", editable=False, db_index=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    # Deadlines of each stage, set when the stage starts (working days, see core/workdays.py).
    acceptance_due = models.DateField("受理决定期限", editable=False)
    decided_at = models.DateTimeField("受理决定时间", null=True, blank=True, editable=False)
    mediation_due = models.DateField("调解期限", null=True, blank=True, editable=False)
    mediation_ended_at = models.DateTimeField("调解结束时间", null=True, blank=True, editable=False)
    notification_due = models.DateField("告知期限", null=True, blank=True, editable=False)
    investigation_due = models.DateField("调查核实期限", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)
    deadline_state = models.CharField(
        "期限状态",
        max_length=10,
        choices=DeadlineState.choices,
        default=DeadlineState.ON_TIME,
        editable=False,
        db_index=True,
    )

    not_accepted_reason = models.TextField("不予受理理由", blank=True, editable=False)
    agreement = models.TextField("调解协议内容", blank=True, editable=False)
    outcome = models.TextField("处理结果", blank=True, editable=False)
    substantiated = models.BooleanField("投诉属实", null=True, blank=True, editable=False)
    # 转办: a case outside the bureau's remit handed to the competent body; its statutory
    # deadlines stop there.
    referred_to = models.CharField(
        "转办单位", max_length=20, choices=ReferralBody.choices, blank=True, editable=False
    )
    referred_to_other = models.CharField("转办单位名称", max_length=100, blank=True, editable=False)
    referred_on = models.DateField("转办日期", null=True, blank=True, editable=False)
    referral_note = models.TextField("转办说明", blank=True, editable=False)

    response_due = models.DateField("企业答复期限", null=True, blank=True, editable=False)
    enterprise_response = models.TextField("企业答复", blank=True, editable=False)
    responded_at = models.DateTimeField("企业答复时间", null=True, blank=True, editable=False)

    satisfaction = models.PositiveSmallIntegerField(
        "满意度",
        null=True,
        blank=True,
        editable=False,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    satisfaction_comment = models.TextField("满意度评价意见", blank=True, editable=False)
    satisfaction_at = models.DateTimeField("评价时间", null=True, blank=True, editable=False)

    # Duplicate guards: the one-time token of the form that produced the complaint (a
    # reloaded POST), and a digest of phone, enterprise and text (a second submission).
    submission_token = models.CharField(max_length=64, unique=True, editable=False)
    content_digest = models.CharField(max_length=64, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ComplaintQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["phone_encrypted", "phone_hash", "submission_token", "content_digest"]
    )

    class Meta:
        verbose_name = "投诉"
        verbose_name_plural = "投诉"
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["content_digest", "received_at"], name="complaint_duplicate_idx"),
            models.Index(fields=["status", "deadline_state"], name="complaint_open_idx"),
            models.Index(fields=["enterprise", "status"], name="complaint_enterprise_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | ~Q(enterprise_text=""),
                name="complaint_names_an_enterprise",
                violation_error_message="请选择被投诉的企业，或填写企业名称。",
            ),
            models.CheckConstraint(
                condition=Q(case_type=CaseType.COMPLAINT, report_category="") & ~Q(category="")
                | Q(case_type=CaseType.REPORT, category="") & ~Q(report_category=""),
                name="complaint_category_of_its_case_type",
                violation_error_message="投诉请选择投诉类别，举报请选择举报类别。",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="complaint_satisfaction_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def enterprise_label(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.enterprise_text

    @property
    def is_report(self) -> bool:
        return self.case_type == CaseType.REPORT

    @property
    def case_word(self) -> str:
        """投诉 or 举报, for the sentences that name the case."""
        return CaseType(self.case_type).label

    @property
    def category_label(self) -> str:
        if self.is_report:
            return self.get_report_category_display()
        return self.get_category_display()

    @property
    def referred_to_label(self) -> str:
        if self.referred_to == ReferralBody.OTHER:
            return self.referred_to_other
        return self.get_referred_to_display() if self.referred_to else ""

    @property
    def charged_unit_price(self):
        """What was charged per unit of the service item (the amount when no quantity)."""
        if self.charged_amount is None:
            return None
        return unit_price(self.charged_amount, self.charged_quantity)

    @property
    def stage(self) -> str | None:
        if self.status == Status.SUBMITTED:
            return Stage.ACCEPTANCE
        if self.status in (Status.ACCEPTED, Status.INVESTIGATING) and self.is_report:
            return Stage.INVESTIGATION
        if self.status in (Status.ACCEPTED, Status.MEDIATING):
            return Stage.MEDIATION
        if self.status in (Status.NOT_ACCEPTED, Status.MEDIATED, Status.MEDIATION_FAILED):
            return Stage.NOTIFICATION
        return None

    @property
    def current_due(self):
        return {
            Stage.ACCEPTANCE: self.acceptance_due,
            Stage.MEDIATION: self.mediation_due,
            Stage.NOTIFICATION: self.notification_due,
            Stage.INVESTIGATION: self.investigation_due,
        }.get(self.stage)


def attachment_path(instance: "ComplaintAttachment", filename: str) -> str:
    received = timezone.localtime(instance.complaint.received_at)
    return f"complaints/{received:%Y/%m}/{instance.complaint.tracking_number}/{filename}"


class ComplaintAttachment(models.Model):
    class Source(models.TextChoices):
        COMPLAINANT = "complainant", "投诉人"
        ENTERPRISE = "enterprise", "企业"
        STAFF = "staff", "工作人员"

    complaint = models.ForeignKey(
        Complaint, verbose_name="投诉", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path, validators=[validate_upload])
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    source = models.CharField(
        "提交方", max_length=12, choices=Source.choices, default=Source.COMPLAINANT
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "投诉附件"
        verbose_name_plural = "投诉附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name


class ComplaintUpdate(models.Model):
    """One line of a case's timeline. Public lines are shown to the complainant on the
    tracking page (and to the enterprise); internal notes only to staff."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", "公开进展"
        INTERNAL = "internal", "内部备注"

    complaint = models.ForeignKey(
        Complaint, verbose_name="投诉", on_delete=models.CASCADE, related_name="updates"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    visibility = models.CharField("可见范围", max_length=10, choices=Visibility.choices)
    text = models.TextField("内容")
    # Lines the product writes name their event; their wording depends on who reads them
    # (complaints/timeline.py). Blank for notes typed by staff: `text` is shown as is.
    event = models.CharField("事件", max_length=30, blank=True, editable=False)
    params = models.JSONField("事件参数", default=dict, blank=True, editable=False)
    status_from = models.CharField(max_length=20, choices=Status.choices, blank=True)
    status_to = models.CharField(max_length=20, choices=Status.choices, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class DeadlineAlert(models.Model):
    """A deadline warning sent for one stage of one case; unique, so the hourly check
    notifies the officer once per stage and level however often it runs."""

    class Level(models.TextChoices):
        DUE_SOON = "due_soon", "已用时限70%"
        OVERDUE = "overdue", "已超期"

    complaint = models.ForeignKey(
        Complaint, verbose_name="投诉", on_delete=models.CASCADE, related_name="alerts"
    )
    stage = models.CharField("阶段", max_length=15, choices=Stage.choices)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    due_on = models.DateField("期限")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "期限预警"
        verbose_name_plural = "期限预警"
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "stage", "level", "due_on"], name="deadline_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint} {self.get_stage_display()} {self.get_level_display()}"


class Notification(OutboxMessage):
    """The outbox: every message about a case is written here in the same transaction as
    the change it reports, then delivered by a task. The outbox drain (core.outbox) re-sends
    whatever is still pending, so a message survives a broker, worker or gateway outage."""

    class Channel(models.TextChoices):
        SMS = "sms", "短信"
        EMAIL = "email", "电子邮件"

    class Recipient(models.TextChoices):
        COMPLAINANT = "complainant", "投诉人"
        OFFICER = "officer", "承办人"
        ENTERPRISE = "enterprise", "企业"

    complaint = models.ForeignKey(
        Complaint, verbose_name="投诉", on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.CharField("接收方", max_length=12, choices=Recipient.choices)
    channel = models.CharField("渠道", max_length=6, choices=Channel.choices)
    subject = models.CharField("标题", max_length=100, blank=True)
    body = models.TextField("内容")

    class Meta:
        verbose_name = "投诉通知"
        verbose_name_plural = "投诉通知"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.complaint} → {self.get_recipient_display()}（{self.get_channel_display()}）"
