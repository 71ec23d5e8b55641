"""The credit app's sections of the public enterprise profile: the grade history, the
honours and the credit pledge. Registered from CreditConfig.ready() through registry's
extension point, so `registry` never imports `credit`."""

from django.utils.translation import gettext_lazy as _

from registry.profile import ProfileSection, register_profile_section

from . import selectors_honour, selectors_pledges, selectors_profile


def _grades(enterprise) -> dict:
    return {"ratings": selectors_profile.grade_history(enterprise)}


def _honours(enterprise) -> dict:
    return {
        "awards": selectors_profile.awards(enterprise),
        "honour_years": selectors_honour.enterprise_honour_years(enterprise),
    }


def _pledge(enterprise) -> dict:
    return {"pledge": selectors_pledges.public_pledge(enterprise)}


def register() -> None:
    base = "credit/profile/"
    register_profile_section(
        ProfileSection("grades", _("信用等级"), base + "grades.html", _grades, order=30)
    )
    register_profile_section(
        ProfileSection("honours", _("荣誉与表彰"), base + "honours.html", _honours, order=40)
    )
    register_profile_section(
        ProfileSection("pledge", _("信用承诺"), base + "pledge.html", _pledge, order=50)
    )
