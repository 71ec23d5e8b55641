"""registry's portal pages (profile, offerings, qualifications, workers, cards); the portal
app mounts them under /portal/ in the "portal" namespace."""

from django.urls import path

from . import portal_views_cards as cards
from . import portal_views_profile as profile
from . import portal_views_workers as workers

urlpatterns = [
    path("profile/", profile.profile, name="profile"),
    path("profile/edit/", profile.profile_edit, name="profile_edit"),
    path("changes/<int:pk>/withdraw/", profile.change_withdraw, name="change_withdraw"),
    path("offerings/", profile.offerings, name="offerings"),
    path("offerings/edit/", profile.offerings_edit, name="offerings_edit"),
    path("qualifications/", profile.qualifications, name="qualifications"),
    path("qualifications/new/", profile.qualification_add, name="qualification_add"),
    path("workers/", workers.workers, name="workers"),
    path("workers/add/", workers.worker_add, name="worker_add"),
    path("workers/<int:pk>/", workers.worker, name="worker"),
    path("workers/<int:pk>/end/", workers.worker_end, name="worker_end"),
    path("workers/<int:pk>/health/", workers.worker_health, name="worker_health"),
    path("workers/<int:pk>/training/", workers.worker_training, name="worker_training"),
    path("cards/", cards.cards, name="cards"),
    path("cards/issue/<int:pk>/", cards.card_issue, name="card_issue"),
    path("cards/<int:pk>/reissue/", cards.card_reissue, name="card_reissue"),
    path("cards/<int:pk>/revoke/", cards.card_revoke, name="card_revoke"),
    path("cards/<int:pk>/print/", cards.card_print, name="card_print"),
    path("cards/<int:pk>/photo/", cards.card_photo, name="card_photo"),
    path("cards/<int:pk>/card.png", cards.card_picture, name="card_picture"),
    path("cards/sheet/", cards.card_sheet, name="card_sheet"),
]
