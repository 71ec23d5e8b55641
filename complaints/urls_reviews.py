"""URL patterns of the public review pages, mounted under "reviews/" in the complaints
namespace by complaints/urls.py (so their names are complaints:review_new, …)."""

from django.urls import path

from .views import reviews

review_patterns = [
    path("new/", reviews.review_new, name="review_new"),
    path("thanks/", reviews.review_thanks, name="review_thanks"),
]
