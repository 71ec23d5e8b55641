from django.urls import path

from . import news_views

app_name = "news"

urlpatterns = [
    path("", news_views.article_list, name="list"),
    path("<int:pk>/", news_views.article_detail, name="detail"),
    path("<int:pk>/cover/", news_views.article_cover, name="cover"),
]
