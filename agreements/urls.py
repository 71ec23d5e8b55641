from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/agreement/", views.agreement_page, name="agreement"),
    path("verify/end/", views.verify_end, name="verify_end"),
]
