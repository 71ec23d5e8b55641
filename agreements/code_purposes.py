"""The SMS code agreements sends (registry.services.codes): a customer confirming an
agreement issued to their mobile number."""

from registry.services.codes import code_purpose

CONFIRM = "agreement"


def agreement_scope(agreement) -> str:
    return f"agreement:{agreement.pk}"


def register() -> None:
    code_purpose(CONFIRM, "确认服务约定")
