from django.db import models


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker answered the `ping` task.

    The ping writes here so a health probe (or an operator) can see that workers not only
    take tasks from the broker but also reach the database.
    """

    hostname = models.CharField("主机", max_length=200, unique=True)
    last_seen = models.DateTimeField("最近心跳")
    pings = models.PositiveBigIntegerField("心跳次数", default=0)

    class Meta:
        verbose_name = "任务进程心跳"
        verbose_name_plural = "任务进程心跳"

    def __str__(self) -> str:
        return self.hostname


class TranslationCatalogue(models.Model):
    """No table: the entry of the 藏文译文 page in the admin (core.i18n) and its permission."""

    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = "藏文译文"
        verbose_name_plural = "藏文译文"

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
