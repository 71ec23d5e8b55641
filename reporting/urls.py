from django.urls import path

from . import views

app_name = "posters"

urlpatterns = [
    path("<int:year>/", views.year_sheet, name="year"),
    path("<int:year>/enterprise/<int:pk>/", views.enterprise, name="enterprise"),
    path("<int:year>/worker/<int:pk>/", views.worker, name="worker"),
    path(
        "<int:year>/enterprise/<int:pk>/poster.png",
        views.enterprise_picture,
        name="enterprise_picture",
    ),
    path("<int:year>/worker/<int:pk>/poster.png", views.worker_picture, name="worker_picture"),
]
