from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "jiangxin.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from jiangxin.portal.cache import invalidate_on_article_change
        from jiangxin.portal.models import Article, ArticleAttachment

        # The page cache must see every change to an article, including the ones other apps
        # write straight to the table (a campaign's deployment notice, a public notice's
        # article). This keeps the cache consistent; it carries no business rule. Bulk
        # `.update()` calls (the view counter's) do not send signals and need no invalidation.
        for model in (Article, ArticleAttachment):
            uid = f"portal-cache-{model._meta.label_lower}"
            post_save.connect(invalidate_on_article_change, sender=model, dispatch_uid=uid)
            post_delete.connect(invalidate_on_article_change, sender=model, dispatch_uid=uid)
