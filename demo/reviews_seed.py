"""Demo reviews for `seed_demo`: residents' reviews of the demo county's workers and
enterprises, given by `until`.

Reviews go through the real service (credit records included); their dates are then moved
into the past with their credit records. Idempotent: the reviewers' numbers are fixed, so a
second run finds everything already there and changes nothing.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from agreements.models import ServiceAgreement
from core.personal_data import phone_hash, phone_plain
from incentives.models import Redemption
from registry.models import Employment, Enterprise
from reviews.models import ServiceReview
from reviews.services import review_source_ref, review_submit

from .credit_seed import demo_events_backdate
from .story import DemoStory, demo_rng

REVIEW_COMMENTS = (
    "做事细致，准时到达。",
    "态度很好，老人很满意。",
    "打扫得干净，下次还请她。",
    "有点迟到，其他都好。",
    "",
)


@transaction.atomic
def reviews_demo_seed(story: DemoStory, *, until: date) -> int:
    """Residents' reviews of every third current worker (and so of the employer), a few a
    year each, mostly good; workers whose dossiers have gaps are reviewed a little worse."""
    employments = list(
        Employment.objects.current().select_related("worker", "enterprise").order_by("pk")
    )[::3]
    created = 0
    for index, employment in enumerate(employments):
        rng = demo_rng(f"reviews-{index}")
        weaker = employment.worker.completeness < 100
        first = max(employment.started_on, story.programme_start + timedelta(days=60))
        for number in range(rng.choice([0, 3, 4, 5, 6])):
            day = story.day_between(rng, first, story.today)
            weights = [25, 35, 20, 15] if weaker else [60, 30, 8, 2]
            scores = rng.choices([5, 4, 3, 2], weights=weights, k=3)
            comment = rng.choice(REVIEW_COMMENTS)
            phone = f"137{index:04d}{number:04d}"
            if day > until or ServiceReview.objects.filter(phone_hash=phone_hash(phone)).exists():
                continue
            # Submitted as of today, as the form would, then dated to the day of service.
            review = review_submit(
                phone=phone,
                service_date=story.today,
                quality=scores[0],
                punctuality=scores[1],
                attitude=scores[2],
                worker=employment.worker,
                enterprise=employment.enterprise,
                comment=comment,
                # The resident verified the worker's card at the door: 已核实服务.
                scanned_worker_ids=frozenset({employment.worker_id}),
            )
            days = (story.today - day).days
            ServiceReview.objects.filter(pk=review.pk).update(
                service_date=day, created_at=review.created_at - timedelta(days=days)
            )
            demo_events_backdate(review_source_ref(review), days)
            created += 1
    return created


PROVEN_SHOWN = 2
UNVERIFIED_PHONES = ("13609410001", "13609410002", "13609410003")


def _review_once(phone: str, **fields) -> bool:
    if ServiceReview.objects.filter(phone_hash=phone_hash(phone)).exists():
        return False
    review_submit(phone=phone, quality=5, punctuality=5, attitude=4, **fields)
    return True


@transaction.atomic
def reviews_demo_proof_seed() -> int:
    """After agreements and redemptions exist: reviews proven by a standard service
    agreement and by a redemption (已核实服务), and a few nobody can verify (未核实, shown
    to staff only). Returns the number created; a second run creates none."""
    today = timezone.localdate()
    created = 0
    agreements = ServiceAgreement.objects.filter(starts_on__lte=today).order_by("pk")
    for agreement in agreements[:PROVEN_SHOWN]:
        created += _review_once(
            phone_plain(agreement, "customer_mobile"),
            service_agreement=agreement,
            service_date=agreement.starts_on,
            comment="按约定的时间和内容服务，价格和约定一致。",
        )
    redemptions = Redemption.objects.filter(
        status=Redemption.Status.RECORDED,
        served_on__lte=today,
        served_on__gt=today - timedelta(days=300),
    ).select_related("resident", "enterprise")
    for redemption in redemptions.order_by("pk")[:PROVEN_SHOWN]:
        created += _review_once(
            phone_plain(redemption.resident, "mobile"),
            enterprise=redemption.enterprise,
            service_date=redemption.served_on,
            comment="享受了老年人优惠，服务也很周到。",
        )
    enterprises = Enterprise.objects.active().order_by("pk")[: len(UNVERIFIED_PHONES)]
    for phone, enterprise in zip(UNVERIFIED_PHONES, enterprises, strict=False):
        created += _review_once(
            phone,
            enterprise=enterprise,
            service_date=today - timedelta(days=3),
            comment="朋友推荐的，还不错。",
        )
    return created
