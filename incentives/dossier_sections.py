"""The incentives section of the enterprise dossier (档案): measures the enterprise takes
part in, benefits it gave in the last twelve months, and its support applications.
Registered from IncentivesConfig.ready() through registry's extension point."""

from registry.dossier import ENTERPRISE, DossierSection, register_section

from . import selectors


def _lists(enterprise, user) -> dict:
    return selectors.enterprise_incentive_lists(enterprise)


def _incentives(enterprise, user, rows) -> dict:
    return {"summary": selectors.incentives_from(rows)}


def register() -> None:
    register_section(
        DossierSection(
            "incentives",
            "守信激励",
            ENTERPRISE,
            "incentives/dossier/incentives.html",
            _incentives,
            order=90,
            permission="incentives.view_participation",
            lists=_lists,
        )
    )
