from django.urls import path

from . import views

app_name = "posters"

urlpatterns = [
    path("<int:year>/", views.year_sheet, name="year"),
    path("<int:year>/enterprise/<int:pk>/", views.enterprise, name="enterprise"),
    path("<int:year>/worker/<int:pk>/", views.worker, name="worker"),
]
