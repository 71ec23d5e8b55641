"""URL patterns of the public review pages (reviews:new, reviews:thanks)."""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("reviews/new/", views.review_new, name="new"),
    path("reviews/thanks/", views.review_thanks, name="thanks"),
]
