from django.db import models


class Township(models.Model):
    """A township (乡镇) of 舟曲县; enterprises, residents and complaints are filed by it."""

    class Kind(models.TextChoices):
        TOWN = "town", "镇"
        TOWNSHIP = "township", "乡"

    name = models.CharField("名称", max_length=20, unique=True)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "乡镇"
        verbose_name_plural = "乡镇"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name
