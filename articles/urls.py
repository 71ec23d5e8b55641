from django.urls import path

from . import views

app_name = "news"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/cover/", views.article_cover, name="cover"),
]
