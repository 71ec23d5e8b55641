"""The county implementation plan's year (舟工信商字〔2025〕32号): its three phases and the
tasks each asks for. `work_plan_seed` writes them as a year's work plan; the home page and
the dashboard fall back on them for a year whose plan is not yet in the database. The
phases' names and work are marked for translation: the public home page shows them."""

from dataclasses import dataclass

from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class PlanTaskText:
    title: str
    month: int  # due at the end of this month
    milestone: bool = False
    per_township: bool = False  # one task per township (摸排 is done township by township)


@dataclass(frozen=True)
class PlanPhaseText:
    name: str
    first_month: int
    last_month: int
    work: str
    tasks: tuple[PlanTaskText, ...] = ()
    checklist: tuple[str, ...] = ()

    @property
    def months(self) -> str:
        return f"{self.first_month}月—{self.last_month}月"


PLAN_PHASES = (
    PlanPhaseText(
        gettext_noop("动员部署"), 1, 3, gettext_noop("宣传政策，摸排企业和从业人员底数，开始建档"),
        tasks=(
            PlanTaskText("召开动员部署会，明确专人负责", 1, milestone=True),
            PlanTaskText("宣传“信易+家政”政策", 2),
            PlanTaskText("摸排家政企业和从业人员底数", 3, per_township=True),
            PlanTaskText("建立企业和从业人员档案", 3, milestone=True),
        ),
        checklist=(
            "是否召开动员部署会并明确专人负责",
            "政策宣传是否覆盖全部乡镇",
            "企业和从业人员底数是否摸排清楚",
            "档案资料是否及时汇总",
        ),
    ),
    PlanPhaseText(
        gettext_noop("全面推进"), 4, 10, gettext_noop("建档完成，开展年度信用评价"),
        tasks=(
            PlanTaskText("企业档案齐全率达到90%", 6, milestone=True),
            PlanTaskText("完成年度信用评价", 9, milestone=True),
            PlanTaskText("评价结果公示", 10, milestone=True),
            PlanTaskText("开展守信激励和失信约束", 10),
        ),
        checklist=(
            "档案是否齐全、信息是否准确",
            "信用评价是否按标准和程序开展",
            "评价结果是否按期公示",
            "工作调度是否按时开展",
        ),
    ),
    PlanPhaseText(
        gettext_noop("总结提升"),
        11,
        12,
        gettext_noop("评价结果公示和确定，总结经验，完善评价标准"),
        tasks=(
            PlanTaskText("评价结果确定", 11, milestone=True),
            PlanTaskText("完善评价标准", 12),
            PlanTaskText("年度总结报告", 12, milestone=True),
        ),
        checklist=(
            "评价结果是否已确定并应用",
            "工作台账和资料是否汇总归档",
            "自查发现的问题是否整改到位",
        ),
    ),
)  # fmt: skip
