"""The registry's own dossier sections (see registry.dossier)."""

from . import selectors
from .dossier import ENTERPRISE, WORKER, DossierSection, register_section

SENSITIVE = "registry.view_sensitive_records"


def _enterprise_profile(enterprise, user):
    return {"enterprise": enterprise, "missing": selectors.enterprise_missing_items(enterprise)}


def _enterprise_qualifications(enterprise, user):
    return {"rows": selectors.qualification_rows(enterprise)}


def _enterprise_offerings(enterprise, user):
    return {"offerings": list(enterprise.offerings.all())}


def _enterprise_staff(enterprise, user):
    employments = list(enterprise.employments.all())
    return {
        "current": [e for e in employments if e.is_current],
        "former": [e for e in employments if not e.is_current],
    }


def _worker_profile(worker, user):
    return {
        "worker": worker,
        "missing": selectors.worker_missing_items(worker),
        "employment": selectors.current_employment(worker),
    }


def _worker_employments(worker, user):
    return {"employments": list(worker.employments.all())}


def _worker_health(worker, user):
    return {"rows": selectors.health_certificate_rows(worker)}


def _worker_background(worker, user):
    return {"checks": list(worker.background_checks.all())}


def _worker_trainings(worker, user):
    trainings = list(worker.trainings.all())
    return {"trainings": trainings, "hours": sum(t.hours for t in trainings if t.verified)}


def _worker_skills(worker, user):
    return {"skills": list(worker.skills.all())}


def register() -> None:
    base = "registry/dossier/"
    for section in (
        DossierSection(
            "profile",
            "基本信息",
            ENTERPRISE,
            base + "enterprise_profile.html",
            _enterprise_profile,
            order=10,
        ),
        DossierSection(
            "qualifications",
            "资质证照",
            ENTERPRISE,
            base + "qualifications.html",
            _enterprise_qualifications,
            order=20,
        ),
        DossierSection(
            "offerings",
            "服务项目及收费",
            ENTERPRISE,
            base + "offerings.html",
            _enterprise_offerings,
            order=30,
        ),
        DossierSection(
            "staff", "从业人员", ENTERPRISE, base + "staff.html", _enterprise_staff, order=40
        ),
        DossierSection(
            "profile", "基本信息", WORKER, base + "worker_profile.html", _worker_profile, order=10
        ),
        DossierSection(
            "employments",
            "从业经历",
            WORKER,
            base + "employments.html",
            _worker_employments,
            order=20,
        ),
        DossierSection(
            "health",
            "健康证",
            WORKER,
            base + "health.html",
            _worker_health,
            order=30,
            permission=SENSITIVE,
        ),
        DossierSection(
            "background",
            "无犯罪记录核查",
            WORKER,
            base + "background.html",
            _worker_background,
            order=40,
            permission=SENSITIVE,
        ),
        DossierSection(
            "trainings", "培训记录", WORKER, base + "trainings.html", _worker_trainings, order=50
        ),
        DossierSection(
            "skills", "职业技能等级证书", WORKER, base + "skills.html", _worker_skills, order=60
        ),
    ):
        register_section(section)
