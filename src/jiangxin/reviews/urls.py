"""The review URLs, composed from each stage's view module (each defines `urlpatterns`)."""

from jiangxin.reviews import (
    views_approval,
    views_assignment,
    views_conflicts,
    views_panel,
    views_pool,
    views_scoring,
)

app_name = "reviews"

urlpatterns = [
    *views_pool.urlpatterns,
    *views_conflicts.urlpatterns,
    *views_assignment.urlpatterns,
    *views_scoring.urlpatterns,
    *views_panel.urlpatterns,
    *views_approval.urlpatterns,
]
