"""Accounts of the enterprise portal."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.portal import OWNER_ROLE


class PortalAccount(models.Model):
    """A login of the enterprise portal (企业服务平台): one user, one enterprise. Portal users
    are never staff; everything they see is scoped to `enterprise` (core.portal).

    Moved here from `registry`: the tables keep their names."""

    class Role(models.TextChoices):
        OWNER = OWNER_ROLE, "负责人"
        STAFF = "staff", "工作人员"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="portal_account",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="portal_accounts",
    )
    role = models.CharField("角色", max_length=10, choices=Role.choices, default=Role.OWNER)
    # Protected like every personal mobile (core.personal_data); the hash finds the
    # account when someone logs in by mobile and keeps one account per number.
    mobile_encrypted = models.TextField("手机号码（密文）", editable=False)
    mobile_hash = models.CharField("手机号码索引", max_length=64, unique=True, editable=False)
    mobile_masked = models.CharField("手机号码", max_length=11, editable=False)
    created_at = models.DateTimeField("开通时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="开通人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(
        excluded_fields=["mobile_encrypted", "mobile_hash"],
        table_name="registry_historicalportalaccount",
    )

    class Meta:
        db_table = "registry_portalaccount"
        verbose_name = "企业平台账号"
        verbose_name_plural = "企业平台账号"
        ordering = ["enterprise", "role", "created_at"]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.user.get_username()}"
