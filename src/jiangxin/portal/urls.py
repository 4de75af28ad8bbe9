from django.urls import path

from jiangxin.portal import views, views_craftsmen

app_name = "portal"

urlpatterns = [
    # Public (no login): the site, its channels, articles, search, feeds, reading options.
    path("", views.home, name="home"),
    path("c/<slug:category>/", views.category, name="category"),
    path("a/<int:pk>/", views.article, name="article"),
    path("a/<int:pk>/print/", views.article_print, name="article_print"),
    path("a/<int:pk>/files/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("search/", views.search, name="search"),
    path("feeds/", views.feed_index, name="feeds"),
    path("feeds/<slug:category>/rss/", views.feed_rss, name="feed_rss"),
    path("feeds/<slug:category>/atom/", views.feed_atom, name="feed_atom"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("language/", views.language, name="language"),
    # Editors (program officers).
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.manage_create, name="manage_create"),
    path("manage/freshness/", views.freshness, name="freshness"),
    path("manage/<int:pk>/", views.manage_detail, name="manage_detail"),
    path("manage/<int:pk>/edit/", views.manage_edit, name="manage_edit"),
    path("manage/<int:pk>/publish/", views.manage_publish, name="manage_publish"),
    path("manage/<int:pk>/withdraw/", views.manage_withdraw, name="manage_withdraw"),
    path("manage/<int:pk>/attachments/", views.manage_attachment_add, name="manage_attachment_add"),
    path(
        "manage/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.manage_attachment_remove,
        name="manage_attachment_remove",
    ),
]

# The craftsman pages (工匠风采): public list and pages, and their editor.
urlpatterns += views_craftsmen.urlpatterns
