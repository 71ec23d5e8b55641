"""The SMS codes credit sends (registry.services.codes)."""

from registry.services.codes import code_purpose

OPINION = "publicity_opinion"


def rating_scope(rating) -> str:
    """A code confirms an opinion on one rating only."""
    return f"rating:{rating.pk}"


def register() -> None:
    code_purpose(OPINION, "对公示结果提出意见")
