"""Registry's own sections of the public enterprise profile (see registry.profile)."""

from django.utils.translation import gettext_lazy as _

from . import selectors_profile
from .profile import ProfileSection, register_profile_section


def _licences(enterprise) -> dict:
    return {"licences": selectors_profile.licence_status(enterprise)}


def _services(enterprise) -> dict:
    return {"offerings": selectors_profile.public_offerings(enterprise)}


def _workers(enterprise) -> dict:
    return {"holders": selectors_profile.card_holders(enterprise)}


def register() -> None:
    base = "registry/profile/"
    register_profile_section(
        ProfileSection("licences", _("资质证照"), base + "licences.html", _licences, order=10)
    )
    register_profile_section(
        ProfileSection("services", _("服务项目与价格"), base + "services.html", _services, order=20)
    )
    register_profile_section(
        ProfileSection("workers", _("持证上岗人员"), base + "workers.html", _workers, order=70)
    )
