"""乱收费: the amount a resident was charged, set against the enterprise's published price and
the county's guide range of the service item, as they stood when the complaint came in.

The charge is compared per unit of the item (元/小时, 元/次 …): the amount divided by the
quantity the resident gives, or the amount itself when none is given. The comparison is a
first reading for the officer and the complainant, not a decision: the officer checks the
bill and the agreement.
"""

from dataclasses import dataclass
from decimal import Decimal

from registry.models import Enterprise, ServiceCategory
from registry.selectors import published_price

from ..models import PriceFinding, unit_price


@dataclass(frozen=True)
class PriceSnapshot:
    published_price: Decimal | None  # None: the enterprise publishes no price for the item
    guide_price_min: Decimal
    guide_price_max: Decimal
    unit: str  # e.g. 元/小时


def price_snapshot(enterprise: Enterprise | None, category: ServiceCategory) -> PriceSnapshot:
    offering = published_price(enterprise, category)
    return PriceSnapshot(
        published_price=offering.price if offering else None,
        guide_price_min=category.guide_price_min,
        guide_price_max=category.guide_price_max,
        unit=category.get_unit_display(),
    )


def price_finding(unit_price: Decimal, snapshot: PriceSnapshot) -> str:
    """How `unit_price` compares with the published price and the guide range."""
    above_published = snapshot.published_price is not None and unit_price > snapshot.published_price
    outside_guide = not (snapshot.guide_price_min <= unit_price <= snapshot.guide_price_max)
    if above_published and outside_guide:
        return PriceFinding.ABOVE_BOTH
    if above_published:
        return PriceFinding.ABOVE_PUBLISHED
    if outside_guide:
        return PriceFinding.OUTSIDE_GUIDE
    if snapshot.published_price is None:
        return PriceFinding.WITHIN_GUIDE_UNPUBLISHED
    return PriceFinding.WITHIN


def charge_problems(
    *,
    charged_amount: Decimal | None,
    charged_quantity: Decimal | None,
    service_category: ServiceCategory | None,
) -> dict[str, str]:
    """Why the charge a resident gives cannot be compared, by field: the form shows these,
    `complaint_submit` enforces them."""
    problems = {}
    if charged_amount is not None and charged_amount <= 0:
        problems["charged_amount"] = "实际收费应大于0元，请填写您实际支付或被要求支付的金额。"
    if charged_quantity is not None and charged_quantity <= 0:
        problems["charged_quantity"] = "服务数量应大于0，如3（小时）；不清楚可以不填。"
    if charged_quantity is not None and charged_amount is None:
        problems["charged_amount"] = "填写了服务数量，请同时填写实际收费金额。"
    if charged_amount is not None and service_category is None:
        problems["service_category"] = (
            "填写了实际收费，请选择收费的服务项目，以便与企业公示价格和指导价对照。"
        )
    return problems


def charge_fields(
    *,
    enterprise: Enterprise | None,
    service_category: ServiceCategory | None,
    charged_amount: Decimal | None,
    charged_quantity: Decimal | None,
) -> dict:
    """The complaint's charge columns: what was charged, the snapshot and the finding."""
    fields = {"charged_amount": charged_amount, "charged_quantity": charged_quantity}
    if charged_amount is None or service_category is None:
        return fields
    snapshot = price_snapshot(enterprise, service_category)
    charged = unit_price(charged_amount, charged_quantity)
    return {
        **fields,
        "published_price": snapshot.published_price,
        "guide_price_min": snapshot.guide_price_min,
        "guide_price_max": snapshot.guide_price_max,
        "price_unit": snapshot.unit,
        "price_finding": price_finding(charged, snapshot),
    }
