"""The demo county's work plans: last year's finished, with its written summary; this year's
from the county plan with owners and tasks in every state (done, in progress, not started,
postponed, some overdue) and progress notes, the reminders due today, and self-inspections
(one reviewed by a second person with findings being rectified, one waiting for review).

Everything goes through `programme.services`. Idempotent: a plan whose tasks already have
owners, or a year with self-inspections, is left as it is.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from programme.models import InspectionItem, PlanPhase, PlanTask, SelfInspection
from programme.services import (
    inspection_create,
    inspection_item_save,
    inspection_review,
    inspection_submit,
    task_note_add,
    task_reminders_send,
    task_save,
    work_plan_save,
    work_plan_seed,
)

from .story import DemoStory

OWNERS = ("xinyong", "tousu", "admin")
S = PlanTask.Status

LAST_YEAR_SUMMARY = {
    "achievements": "全县家政企业和从业人员完成建档，年度信用评价按期完成并公示，"
    "守信激励措施在各乡镇落地。",
    "shortcomings": "部分乡镇从业人员健康证更新不及时；个别企业档案资料不齐全。",
    "next_steps": "常态化开展工作自查，紧盯时间节点，按乡镇压实工作责任。",
}


def _users() -> dict:
    users = get_user_model().objects.in_bulk(OWNERS, field_name="username")
    return {name: users[name] for name in OWNERS if name in users}


def _statuses(tasks: list[PlanTask], today: date) -> list[str]:
    """Past tasks mostly done (one in five postponed, one in seven still open and so
    overdue); of the coming ones the first is under way and the second done early."""
    statuses, coming = [], 0
    for index, task in enumerate(tasks):
        if task.due_on < today:
            statuses.append(S.POSTPONED if index % 5 == 4 else S.IN_PROGRESS if index % 7 == 6
                            else S.DONE)  # fmt: skip
        else:
            statuses.append((S.IN_PROGRESS, S.DONE)[coming] if coming < 2 else S.NOT_STARTED)
            coming += 1
    for wanted in S.values:  # every state shown whatever the day of the year
        if wanted not in statuses:
            spare = max(i for i, s in enumerate(statuses) if statuses.count(s) > 1)
            statuses[spare] = wanted
    return statuses


def _this_year(story: DemoStory, actor, users: dict) -> int:
    plan = work_plan_seed(story.this_year, actor=actor)
    tasks = list(
        PlanTask.objects.filter(phase__plan=plan).select_related("phase").order_by("due_on", "pk")
    )
    if any(task.owner_id for task in tasks) or not users:
        return 0
    owners = list(users.values())
    for index, (task, status) in enumerate(zip(tasks, _statuses(tasks, story.today), strict=True)):
        task.owner = owners[index % len(owners)]
        task.status = status
        task_save(actor=actor, task=task, today=min(task.due_on, story.today))
        if status != S.NOT_STARTED:
            note = {
                S.DONE: "已按时完成，资料已汇总归档。",
                S.IN_PROGRESS: "正在推进，已完成约一半。",
                S.POSTPONED: "因乡镇人员调整延期，已重新安排专人负责。",
            }[status]
            task_note_add(actor=task.owner, task=task, text=note)
    return len(tasks)


def _last_year(story: DemoStory, actor) -> None:
    plan = work_plan_seed(story.last_year, actor=actor)
    if plan.achievements:
        return
    for task in PlanTask.objects.filter(phase__plan=plan).exclude(status=S.DONE):
        task.status = S.DONE
        task_save(actor=actor, task=task, today=task.due_on)
    for name, text in LAST_YEAR_SUMMARY.items():
        setattr(plan, name, text)
    work_plan_save(actor=actor, plan=plan)


def _fill(inspection: SelfInspection, owner, today: date) -> None:
    items = list(inspection.items.order_by("order", "pk"))
    for index, item in enumerate(items):
        item.result = InspectionItem.Result.MET
        if index == 1:
            item.result = InspectionItem.Result.PROBLEM
            item.finding = "两个乡镇的政策宣传尚未入户。"
            item.rectification = "安排专人入户宣传，补充宣传台账。"
            item.rectification_due_on = today + timedelta(days=15)
            item.rectification_status = InspectionItem.Rectification.OPEN
        elif index == 2:
            item.result = InspectionItem.Result.PROBLEM
            item.finding = "部分档案资料未及时汇总。"
            item.rectification = "每周汇总一次资料，由专人核对。"
            item.rectification_due_on = today - timedelta(days=3)
            item.rectification_status = InspectionItem.Rectification.DONE
        inspection_item_save(actor=owner, item=item)


def _inspections(story: DemoStory, users: dict) -> int:
    if SelfInspection.objects.filter(phase__plan__year=story.this_year).exists():
        return 0
    owner, reviewer = users.get("xinyong"), users.get("admin")
    if owner is None or reviewer is None:
        return 0
    phases = list(PlanPhase.objects.filter(plan__year=story.this_year).order_by("first_month"))
    current = next((p for p in phases if p.covers_month(story.today.month)), phases[-1])
    first = phases[0]
    created = 0
    for phase, review in ((first, True), (current, False)):
        day = min(story.today, date(story.this_year, phase.last_month, 25))
        inspection = inspection_create(
            actor=owner, inspection=SelfInspection(phase=phase, owner=owner, inspected_on=day)
        )
        _fill(inspection, owner, day)
        inspection_submit(actor=owner, inspection=inspection)
        if review:
            inspection_review(
                actor=reviewer, inspection=inspection, approve=True, note="自查认真，问题按期整改。"
            )
        created += 1
        if phase == current:
            break
    return created


@transaction.atomic
def programme_demo_seed(story: DemoStory) -> dict[str, int]:
    users = _users()
    actor = users.get("admin")
    _last_year(story, actor)
    tasks = _this_year(story, actor, users)
    inspections = _inspections(story, users)
    reminders = task_reminders_send(story.today)
    return {"tasks": tasks, "inspections": inspections, "reminders": reminders}
