"""The dishonesty list (失信名单) of residents, imported from the courts' and agencies' lists."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class DishonestyListImport(models.Model):
    """One import of a dishonesty list (e.g. 失信被执行人名单 from the court). The list of a
    source is a snapshot: importing it again replaces that source's earlier entries."""

    source = models.CharField(
        "名单来源", max_length=100, help_text="如“舟曲县人民法院失信被执行人名单”。"
    )
    list_date = models.DateField("名单日期", help_text="名单出具或下载的日期。")
    original_name = models.CharField("原文件名", max_length=200)
    import_digest = models.CharField("文件摘要", max_length=64, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    entry_count = models.PositiveIntegerField("名单人数", default=0)
    matched_count = models.PositiveIntegerField("匹配到的登记居民", default=0)

    class Meta:
        verbose_name = "失信名单导入"
        verbose_name_plural = "失信名单导入"
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.source}（{self.list_date}）"


class DishonestyEntry(models.Model):
    """One person on an imported list. Only the keyed hash, the masked number and the name
    are kept: the bureau needs to match registered residents, not to hold the court's list."""

    list_import = models.ForeignKey(
        DishonestyListImport,
        verbose_name="导入批次",
        on_delete=models.PROTECT,
        related_name="entries",
    )
    source = models.CharField("名单来源", max_length=100, db_index=True)
    name = models.CharField("姓名", max_length=50)
    id_number_hash = models.CharField("身份证号索引", max_length=64, db_index=True)
    id_number_masked = models.CharField("身份证号", max_length=18)
    case_number = models.CharField("案号", max_length=100, blank=True)
    authority = models.CharField("执行法院/认定机关", max_length=100, blank=True)
    listed_on = models.DateField("列入日期", null=True, blank=True)
    is_active = models.BooleanField("有效", default=True, db_index=True)
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)
    removal_reason = models.CharField("移除原因", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "失信名单人员"
        verbose_name_plural = "失信名单人员"
        ordering = ["-list_import__imported_at", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"
