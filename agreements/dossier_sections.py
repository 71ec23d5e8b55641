"""The 服务约定 section of an enterprise's dossier (档案) page: its agreement counts and the
latest agreements. Registered from AgreementsConfig.ready() through registry's extension
point, so `registry` never imports `agreements`."""

from registry.dossier import ENTERPRISE, DossierSection, register_section

from . import selectors


def _agreements(enterprise, user) -> dict:
    return {
        "counts": selectors.agreement_counts(enterprise=enterprise),
        "agreements": list(selectors.agreements_of(enterprise)[: selectors.DOSSIER_AGREEMENTS]),
        "limit": selectors.DOSSIER_AGREEMENTS,
    }


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
        )
    )
