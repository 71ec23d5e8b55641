"""The incentives section of the public enterprise profile: the resident benefits the
enterprise gives (守信激励措施). Registered from IncentivesConfig.ready() through registry's
extension point."""

from django.utils.translation import gettext_lazy as _

from registry.profile import ProfileSection, register_profile_section

from . import selectors


def _measures(enterprise) -> dict:
    return {"measures": selectors.profile_measures(enterprise)}


def register() -> None:
    register_profile_section(
        ProfileSection(
            "incentives", _("守信激励措施"), "incentives/profile/measures.html", _measures, order=60
        )
    )
