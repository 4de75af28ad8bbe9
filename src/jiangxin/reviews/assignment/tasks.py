"""The background solve of an assignment run (django-tasks: immediate in tests and the demo,
`manage.py db_worker` in production)."""

from __future__ import annotations

from django_tasks import task


@task()
def solve_assignment_run(run_id: int) -> str:
    """Solve one queued run (see `actions.process_assignment_run`); returns its status."""
    from jiangxin.reviews.assignment.actions import process_assignment_run

    return process_assignment_run(run_id)
