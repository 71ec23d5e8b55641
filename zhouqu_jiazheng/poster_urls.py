from django.urls import path

from . import poster_views

app_name = "posters"

urlpatterns = [
    path("<int:year>/", poster_views.year_sheet, name="year"),
    path("<int:year>/enterprise/<int:pk>/", poster_views.enterprise, name="enterprise"),
    path("<int:year>/worker/<int:pk>/", poster_views.worker, name="worker"),
]
