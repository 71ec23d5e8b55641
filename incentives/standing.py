"""Where a credit subject stands for incentives: its latest final grade, whether it is under
key management (重点管理名单) and whether it still operates. Read in bulk (a fixed number of
queries for any number of enterprises), because the public catalogue lists many."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from credit.models import GRADE_ORDER, Grade, KeyListEntry, Rating
from credit.selectors import latest_final_ratings
from registry.models import Enterprise, Worker


@dataclass(frozen=True)
class Standing:
    name: str
    grade: str | None  # latest FINAL grade (暂不评级 included); None when never rated
    total: Decimal | None
    year: int | None
    on_key_list: bool
    operating: bool = True

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label if self.grade else "暂无正式评价结果"

    def meets(self, min_grade: str) -> bool:
        return (
            self.operating
            and not self.on_key_list
            and self.grade in GRADE_ORDER
            and GRADE_ORDER[self.grade] >= GRADE_ORDER[min_grade]
        )

    def verdict(self, min_grade: str) -> str:
        """Why this subject meets `min_grade` or not, in a sentence."""
        if not self.operating:
            return f"{self.name}目前不在正常经营状态。"
        if self.on_key_list:
            return f"{self.name}已被列入严重失信重点管理名单，不能参加守信激励。"
        if self.grade is None:
            return f"{self.name}暂无正式确定的信用评价结果，须达到{min_grade}级及以上。"
        if self.grade == Grade.NOT_GRADED:
            return (
                f"{self.name}{self.year}年度暂不评级（成立或从业不满规定期限），"
                f"须达到{min_grade}级及以上。"
            )
        graded = f"{self.name}{self.year}年度信用等级为{self.grade_label}"
        if self.grade == Grade.B:
            return f"{graded}，B级（诚信警示）主体不能参加守信激励。"
        if GRADE_ORDER[self.grade] >= GRADE_ORDER[min_grade]:
            return f"{graded}，达到{min_grade}级及以上的要求。"
        return f"{graded}，未达到{min_grade}级及以上的要求。"


def _key_listed(field: str, ids, day: date) -> set[int]:
    return set(
        KeyListEntry.objects.on(day)
        .filter(**{f"{field}_id__in": list(ids)})
        .values_list(f"{field}_id", flat=True)
    )


def enterprise_standings(enterprises, day: date) -> dict[int, Standing]:
    """{enterprise id: Standing} in three queries."""
    enterprises = list(enterprises)
    ids = [e.pk for e in enterprises]
    ratings = latest_final_ratings(ids) if ids else {}
    listed = _key_listed("enterprise", ids, day) if ids else set()
    standings = {}
    for enterprise in enterprises:
        rating = ratings.get(enterprise.pk)
        standings[enterprise.pk] = Standing(
            name=enterprise.name,
            grade=rating.grade if rating else None,
            total=rating.total if rating else None,
            year=rating.year if rating else None,
            on_key_list=enterprise.pk in listed,
            operating=enterprise.business_status == Enterprise.BusinessStatus.OPERATING,
        )
    return standings


def programme_min_grade(programme) -> str:
    """The grade an applicant to a support programme needs: the programme's measure's, or
    A (诚信合格)."""
    return programme.measure.min_grade if programme.measure_id else Grade.A


def enterprise_standing(enterprise: Enterprise, day: date) -> Standing:
    return enterprise_standings([enterprise], day)[enterprise.pk]


def worker_standing(worker: Worker, day: date) -> Standing:
    rating = (
        Rating.objects.filter(worker=worker, status=Rating.Status.FINAL)
        .only("grade", "total", "year")
        .order_by("-year")
        .first()
    )
    return Standing(
        name=worker.name,
        grade=rating.grade if rating else None,
        total=rating.total if rating else None,
        year=rating.year if rating else None,
        on_key_list=bool(_key_listed("worker", [worker.pk], day)),
    )
