"""The demo county's people and calendar: believable names of 舟曲县, generators that give
the same records on every run, and the dates the whole demo story follows."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

HAN_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
HAN_GIVEN_FEMALE = [
    "秀兰",
    "桂英",
    "海燕",
    "晓梅",
    "丽娟",
    "玉兰",
    "春花",
    "红霞",
    "小芳",
    "淑珍",
    "凤英",
    "雪梅",
    "玉梅",
    "翠花",
    "桂芳",
    "静",
    "敏",
    "燕",
    "霞",
    "娟",
    "芳",
    "丽",
    "婷",
    "慧",
]
HAN_GIVEN_MALE = [
    "建国",
    "志强",
    "明亮",
    "国庆",
    "建军",
    "文华",
    "永福",
    "强",
    "军",
    "伟",
    "磊",
    "洋",
]
TIBETAN_FEMALE = [
    "扎西卓玛",
    "卓玛草",
    "拉姆",
    "央金",
    "措毛",
    "才让吉",
    "德吉卓玛",
    "次仁拉姆",
    "索南措",
    "旦正草",
    "仁青卓玛",
    "尼玛措",
    "格桑梅朵",
    "拉毛草",
    "杨吉草",
]
TIBETAN_MALE = [
    "才让",
    "扎西",
    "多杰",
    "旦增",
    "索南",
    "仁青",
    "贡保",
    "尕藏",
    "洛桑",
    "桑杰",
    "更登",
    "丹珠",
    "完玛",
    "华青",
]
TIBETAN_NAMES = TIBETAN_FEMALE + TIBETAN_MALE
ETHNICITIES = ["汉族", "藏族", "回族"]
# Housekeeping is mostly women's work in the county, as everywhere.
FEMALE_SHARE = 0.85


def demo_rng(salt: str) -> random.Random:
    """A generator seeded by name, so running a seed twice produces the same records."""
    return random.Random(f"zhouqu-demo:{salt}")  # noqa: S311 - demo data, not security


def demo_person_name(rng: random.Random, gender: str | None = None) -> tuple[str, str]:
    """Return (name, ethnicity) for a person of `gender` ("F" or "M"; drawn if None);
    about a third of the county's people are Tibetan."""
    if gender is None:
        gender = "F" if rng.random() < 0.5 else "M"
    female = gender == "F"
    if rng.random() < 0.35:
        return rng.choice(TIBETAN_FEMALE if female else TIBETAN_MALE), "藏族"
    ethnicity = "回族" if rng.random() < 0.03 else "汉族"
    given = HAN_GIVEN_FEMALE if female else HAN_GIVEN_MALE
    return rng.choice(HAN_SURNAMES) + rng.choice(given), ethnicity


@dataclass(frozen=True)
class DemoStory:
    """The dates the demo county's story is told on, for whatever day it is seeded.

    The plan's year: mobilisation January–March, full roll-out April–October with the
    yearly grading on the rating day (`CREDIT_RATING_MONTH`/`CREDIT_RATING_DAY`), review
    November–December. The programme started last year: registers built during last
    year's mobilisation, last year rated in October and final before the year ended; this
    year stands wherever today falls in its own plan: not rated before its rating day, a
    draft for five days, then under publicity on the seeding day (never final)."""

    today: date

    @property
    def this_year(self) -> int:
        return self.today.year

    @property
    def last_year(self) -> int:
        return self.today.year - 1

    @property
    def programme_start(self) -> date:
        return date(self.last_year, 1, 1)

    def rating_day(self, year: int) -> date:
        return date(year, settings.CREDIT_RATING_MONTH, settings.CREDIT_RATING_DAY)

    def published_on(self, year: int) -> date:
        """Staff review the distribution for a few days, then publish. This year's review
        took as long as it needed for its publicity to be running on the day the demo is
        seeded (published two days before, at the earliest five days after the rating
        day), so that a newcomer finds a year under publicity from then to the year's end;
        last year was published five days after its rating day."""
        published = self.rating_day(year) + timedelta(days=5)
        if year == self.this_year:
            return max(published, self.today - timedelta(days=2))
        return published

    def final_on(self, year: int) -> date:
        """The day after the publicity period ends."""
        return self.published_on(year) + timedelta(days=settings.CREDIT_PUBLICITY_DAYS + 1)

    def rated(self, year: int) -> bool:
        return self.today >= self.rating_day(year)

    def facts_until(self, year: int) -> date:
        """The last day of `year` that has happened."""
        return min(self.today, date(year, 12, 31))

    def day_between(self, rng: random.Random, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=rng.randrange(0, (last - first).days + 1))


def demo_story(today: date | None = None) -> DemoStory:
    from django.utils import timezone

    return DemoStory(today or timezone.localdate())
