"""Demo reviews for `seed_demo`: residents' reviews of the demo county's workers and
enterprises, given by `until`.

Reviews go through the real service (credit records included); their dates are then moved
into the past with their credit records. Idempotent: the reviewers' numbers are fixed, so a
second run finds everything already there and changes nothing.
"""

from datetime import date, timedelta

from django.db import transaction

from core.personal_data import phone_hash
from registry.models import Employment
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
            )
            days = (story.today - day).days
            ServiceReview.objects.filter(pk=review.pk).update(
                service_date=day, created_at=review.created_at - timedelta(days=days)
            )
            demo_events_backdate(review_source_ref(review), days)
            created += 1
    return created
