"""The SMS codes credit sends (registry.services.codes)."""

from registry.services.codes import code_purpose

OPINION = "publicity_opinion"
WORKER_SIGN_IN = "worker_sign_in"


def rating_scope(rating) -> str:
    """A code confirms an opinion on one rating only."""
    return f"rating:{rating.pk}"


def register() -> None:
    code_purpose(OPINION, "对公示结果提出意见")
    code_purpose(WORKER_SIGN_IN, "从业人员登录本人信用档案")
