"""The 服务约定 section of an enterprise's dossier (档案) page: its agreement counts and the
latest agreements. Registered from AgreementsConfig.ready() through registry's extension
point, so `registry` never imports `agreements`."""

from registry.dossier import ENTERPRISE, DossierSection, register_section

from . import selectors


def _lists(enterprise, user) -> dict:
    return selectors.dossier_agreement_lists(enterprise)


def _agreements(enterprise, user, rows) -> dict:
    counts, agreements = selectors.dossier_agreements(rows)
    return {"counts": counts, "agreements": agreements, "limit": selectors.DOSSIER_AGREEMENTS}


def register() -> None:
    register_section(
        DossierSection(
            "service_agreements",
            "标准化服务约定",
            ENTERPRISE,
            "agreements/dossier.html",
            _agreements,
            order=95,
            permission="agreements.view_serviceagreement",
            lists=_lists,
        )
    )
