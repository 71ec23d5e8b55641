"""Opinions from the public (社会监督意见) on a rating under publicity (公示).

Anyone may send one while the rating is publicised; staff verify the facts and decide
within the objection deadline. An upheld opinion may be turned into an objection
(信用异议) on the rating, which corrects it through the objection service. The sender's
mobile number is personal data: stored encrypted, with a keyed hash and masked."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.files import validate_upload

from .ratings import Rating
from .requests import Objection


class PublicityOpinion(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待受理"
        REVIEWING = "reviewing", "核查中"
        UPHELD = "upheld", "意见成立"
        NOT_UPHELD = "not_upheld", "意见不成立"

    OPEN = (Status.SUBMITTED, Status.REVIEWING)

    rating = models.ForeignKey(
        Rating, verbose_name="评价结果", on_delete=models.PROTECT, related_name="opinions"
    )
    name = models.CharField("反映人姓名", max_length=50)
    mobile_encrypted = models.TextField("手机号码（密文）", editable=False)
    mobile_hash = models.CharField("手机号码索引", max_length=64, editable=False, db_index=True)
    mobile_masked = models.CharField("手机号码", max_length=11, editable=False)
    facts = models.TextField("反映的事实")
    evidence = models.FileField(
        "证明材料", upload_to="credit/opinions/%Y/", blank=True, validators=[validate_upload]
    )
    # Staff who entered an opinion received by letter or in person; empty: sent online
    # by its author, who confirmed the mobile with an SMS code.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代为登记人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提出时间")
    due_on = models.DateField("办理期限")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    decision = models.TextField("处理意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    objection = models.OneToOneField(
        Objection,
        verbose_name="转为信用异议",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion",
    )
    history = HistoricalRecords(excluded_fields=["mobile_encrypted", "mobile_hash"])

    class Meta:
        verbose_name = "社会监督意见"
        verbose_name_plural = "社会监督意见"
        ordering = ["status", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.reference}：{self.rating}"

    @property
    def reference(self) -> str:
        """The number the sender is given to refer to the opinion (受理编号)."""
        year = self.submitted_at.year if self.submitted_at else 0
        return f"JD{year}{self.pk or 0:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
