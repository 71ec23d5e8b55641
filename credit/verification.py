"""credit's part of the worker verification page (/verify/<token>/): the employer's and the
worker's latest final grades (never a draft or publicised one), and a red light when the
employer or the worker is on the key-management list (重点管理名单). Registered from
CreditConfig.ready() through registry's extension point, so `registry` never imports
`credit`."""

from datetime import date

from registry.models import Enterprise, Worker
from registry.verification import RED, VERIFICATION_CHECKS, CheckResult, Finding

from .selectors import latest_final_ratings, latest_final_worker_rating
from .services.management import subject_on_key_list

EMPLOYER_ON_KEY_LIST = "所在企业已被列入重点管理名单"
WORKER_ON_KEY_LIST = "该从业人员已被列入重点管理名单"


def credit_check(worker: Worker, employer: Enterprise, today: date) -> CheckResult:
    rating = latest_final_ratings([employer.pk]).get(employer.pk)
    own = latest_final_worker_rating(worker)
    findings = []
    if subject_on_key_list(employer, today):
        findings.append(Finding(RED, EMPLOYER_ON_KEY_LIST))
    if subject_on_key_list(worker, today):
        findings.append(Finding(RED, WORKER_ON_KEY_LIST))
    return CheckResult(
        employer_grade=f"{rating.grade_label}（{rating.year}年度）" if rating else None,
        worker_grade=f"{own.get_grade_display()}（{own.year}年度）" if own else None,
        findings=tuple(findings),
    )


def register() -> None:
    VERIFICATION_CHECKS.register(credit_check, key="credit")
