"""The periodic schedule, declared in code so it is reviewed like code.

`manage.py setup_periodic_tasks` writes it into django-celery-beat's tables (the
`DatabaseScheduler` reads them); `make run` and the compose stack run that command.
Names start with `zqjz:` so that the sync can tell its own entries from ones staff add.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class PeriodicTaskSpec:
    name: str
    task: str
    description: str
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    queue: str = "default"


PERIODIC_TASKS: tuple[PeriodicTaskSpec, ...] = (
    PeriodicTaskSpec(
        name="zqjz:worker-heartbeat",
        task="zhouqu_jiazheng.tasks.ping",
        description="每5分钟记录任务进程心跳，证明任务进程能连接数据库。",
        minute="*/5",
    ),
    PeriodicTaskSpec(
        name="zqjz:registry-refresh",
        task="registry.tasks.refresh_records",
        description="每日凌晨更新证件有效状态、档案完整度和超期未核实标记，并提醒企业证件即将到期。",
        minute="30",
        hour="2",
        queue="bulk",
    ),
    PeriodicTaskSpec(
        name="zqjz:credit-yearly-rating",
        task="credit.tasks.yearly_rating",
        description="每年在设定日期对当年所有企业和从业人员进行信用评价（结果为待审核）。",
        minute="0",
        hour="3",
        day_of_month=str(settings.CREDIT_RATING_DAY),
        month_of_year=str(settings.CREDIT_RATING_MONTH),
    ),
    PeriodicTaskSpec(
        name="zqjz:credit-resume-stalled-runs",
        task="credit.tasks.resume_stalled_runs",
        description="每2分钟检查评价批次：长时间没有进展的（如任务进程被强行终止），重新提交未完成的部分。",
        minute="*/2",
    ),
    PeriodicTaskSpec(
        name="zqjz:credit-finalise-ratings",
        task="credit.tasks.finalise_due_ratings",
        description="每日将公示期已满且没有待处理异议的信用评价结果确定为最终结果。",
        minute="20",
        hour="0",
    ),
    PeriodicTaskSpec(
        name="zqjz:credit-key-list-expiry",
        task="credit.tasks.expire_key_list",
        description="每日将管理期满的主体移出重点管理名单。",
        minute="40",
        hour="0",
    ),
    PeriodicTaskSpec(
        name="zqjz:credit-clean-rating-inputs",
        task="credit.tasks.clean_rating_inputs",
        description="每日清理中断或已删除的评价批次遗留的临时数据表。",
        minute="50",
        hour="0",
    ),
    PeriodicTaskSpec(
        name="zqjz:complaints-deadlines",
        task="complaints.tasks.check_deadlines",
        description="每小时更新投诉办理期限状态，对已用时限70%和已超期的投诉提醒承办人。",
        minute="5",
    ),
    PeriodicTaskSpec(
        name="zqjz:incentives-bookings",
        task="incentives.tasks.bookings_tick",
        description="每5分钟把预约推送给下一信用等级的企业（短信提醒），关闭超过预约日期仍无企业接单的预约并告知居民。",
        minute="*/5",
    ),
    PeriodicTaskSpec(
        name="zqjz:programme-task-reminders",
        task="programme.tasks.remind_plan_tasks",
        description="每日提醒工作任务责任人：完成时限前若干天和到期当天各提醒一次。",
        minute="10",
        hour="8",
    ),
    PeriodicTaskSpec(
        name="zqjz:outbox-drain",
        task="core.tasks.drain_outboxes",
        description=f"每{settings.OUTBOX_DRAIN_MINUTES}分钟补发因消息队列、任务进程或短信/邮件网关"
        "故障而未发出的消息（投诉通知、证照到期提醒、任务提醒、预约短信、短信验证码）。",
        minute=f"*/{settings.OUTBOX_DRAIN_MINUTES}",
    ),
)
