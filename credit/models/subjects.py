"""Grades, dimensions and the subject (an enterprise or a worker) every credit record concerns."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import Enterprise, Worker


class SubjectType(models.TextChoices):
    ENTERPRISE = "enterprise", _("家政企业")
    WORKER = "worker", _("从业人员")


class Dimension(models.TextChoices):
    COMPLIANCE = "compliance", _("经营合规")
    QUALITY = "quality", _("服务质量")
    REPUTATION = "reputation", _("客户口碑")
    COMMITMENT = "commitment", _("履约守信")


class Grade(models.TextChoices):
    AAA = "AAA", _("AAA 诚信示范")
    AA = "AA", _("AA 诚信良好")
    A = "A", _("A 诚信合格")
    B = "B", _("B 诚信警示")
    # Registered too recently to be judged (EvaluationStandard.min_registered_months): no
    # grade that year, counted apart from the grades, never supervised or rewarded for it.
    NOT_GRADED = "N", _("暂不评级")


# The grades proper, best first; GRADE_ORDER ranks them (a subject not graded has none).
GRADES = (Grade.AAA, Grade.AA, Grade.A, Grade.B)
GRADE_ORDER = {Grade.AAA: 4, Grade.AA: 3, Grade.A: 2, Grade.B: 1}


class Severity(models.TextChoices):
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")


def exactly_one_subject(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(enterprise__isnull=False, worker__isnull=True)
        | Q(enterprise__isnull=True, worker__isnull=False),
        name=name,
        violation_error_message="必须且只能指定一个信用主体（企业或从业人员）。",
    )


class SubjectMixin(models.Model):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Each model indexes its subject columns together with what it is queried by.
        db_index=False,
    )
    worker = models.ForeignKey(
        Worker,
        verbose_name="从业人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Each model indexes its subject columns together with what it is queried by.
        db_index=False,
    )

    class Meta:
        abstract = True

    @property
    def subject(self):
        return self.enterprise or self.worker

    @property
    def subject_type(self) -> str:
        return SubjectType.ENTERPRISE if self.enterprise_id else SubjectType.WORKER

    @property
    def subject_name(self) -> str:
        subject = self.subject
        return subject.name if subject else ""
