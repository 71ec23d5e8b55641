"""This year's work plan from the county plan's text (what `work_plan_seed` writes), so the
dashboard has a plan to assign from the day the programme app is installed."""

import calendar
from datetime import date

from django.db import migrations
from django.utils import timezone

from programme.plan_text import PLAN_PHASES


def plan_this_year(apps, schema_editor):
    WorkPlan = apps.get_model("programme", "WorkPlan")
    PlanPhase = apps.get_model("programme", "PlanPhase")
    PlanTask = apps.get_model("programme", "PlanTask")
    ChecklistItem = apps.get_model("programme", "ChecklistItem")
    Township = apps.get_model("registry", "Township")
    year = timezone.localdate().year
    plan, created = WorkPlan.objects.get_or_create(year=year)
    if not created:
        return
    townships = list(Township.objects.order_by("sort_order", "name"))
    for text in PLAN_PHASES:
        phase = PlanPhase.objects.create(
            plan=plan,
            name=text.name,
            first_month=text.first_month,
            last_month=text.last_month,
            work=text.work,
        )
        for task in text.tasks:
            due_on = date(year, task.month, calendar.monthrange(year, task.month)[1])
            for township in townships if task.per_township else [None]:
                PlanTask.objects.create(
                    phase=phase,
                    title=task.title,
                    milestone=task.milestone,
                    township=township,
                    due_on=due_on,
                )
        for order, question in enumerate(text.checklist, start=1):
            ChecklistItem.objects.create(phase=phase, text=question, order=order)


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0001_initial"),
        ("registry", "0002_townships"),
    ]

    operations = [migrations.RunPython(plan_this_year, migrations.RunPython.noop)]
