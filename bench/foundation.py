"""Foundation benchmark: scope queries on a national-size organization tree, and the audit chain.

Generates ACFTU → 31 provinces → 10 cities each → N enterprises each (default 40: 12,431
organizations), one officer per province and city, then reports:
- the time to count a provincial officer's organizations and users (subtree prefix queries),
- audit-event appends per second through `record_event` (each takes the chain-head lock),
- chain verification throughput.

Usage: uv run python bench/foundation.py [--enterprises 40] [--events 2000]
The database is a fresh temporary SQLite file unless DATABASE_URL is set (it must name a
database this script may drop and recreate, e.g. postgres://postgres@127.0.0.1:5432/jiangxin_bench).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]


def _setup(db_url: str | None) -> None:
    if db_url is None:
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def _timed(fn, repeat: int = 5) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    samples = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=40, help="enterprises per city")
    parser.add_argument("--events", type=int, default=2000, help="audit events to append")
    args = parser.parse_args()
    _setup(os.environ.get("DATABASE_URL"))

    from django.db import connection, transaction

    from jiangxin.accounts.models import Role
    from jiangxin.core.audit import record_event, verify_chain
    from jiangxin.orgs.models import Organization
    from jiangxin.orgs.selectors import organizations_visible_to, users_visible_to
    from tests.factories import make_user

    K = Organization.Kind
    t0 = time.perf_counter()
    # The tree is generated in bulk (treebeard's load_bulk): it is the data, not what is measured.
    tree = [
        {
            "data": {"name": "中华全国总工会", "kind": K.ACFTU},
            "children": [
                {
                    "data": {"name": f"省总工会{p:02d}", "kind": K.PROVINCIAL_FEDERATION},
                    "children": [
                        {
                            "data": {"name": f"市总工会{p:02d}{c}", "kind": K.CITY_FEDERATION},
                            "children": [
                                {"data": {"name": f"企业{p:02d}{c}{e:03d}", "kind": K.ENTERPRISE}}
                                for e in range(args.enterprises)
                            ],
                        }
                        for c in range(10)
                    ],
                }
                for p in range(31)
            ],
        }
    ]
    with transaction.atomic():
        Organization.objects.load_bulk(tree)
        officers = []
        for p, province in enumerate(Organization.objects.filter(depth=2).order_by("path")):
            officers.append(make_user(f"prov{p}", role=Role.RECOMMENDING_OFFICER, org=province))
        for c, city in enumerate(Organization.objects.filter(depth=3).order_by("path")):
            make_user(f"city{c}", role=Role.RECOMMENDING_OFFICER, org=city)
    build = time.perf_counter() - t0
    n_orgs = Organization.objects.count()

    officer = officers[7]
    org_time, n_visible = _timed(lambda: organizations_visible_to(officer).count())
    user_time, n_users = _timed(lambda: users_visible_to(officer).count())

    t0 = time.perf_counter()
    for i in range(args.events):
        record_event("bench.event", actor=officer, summary={"i": i})
    append = time.perf_counter() - t0

    t0 = time.perf_counter()
    report = verify_chain()
    verify = time.perf_counter() - t0

    print(f"Jiangxin foundation benchmark on {connection.vendor}")
    print(f"  tree built: {n_orgs:,} organizations in {build:.1f} s")
    print(f"  officer's organizations: {n_visible:,} in {org_time * 1000:.1f} ms (median of 5)")
    print(f"  officer's users: {n_users:,} in {user_time * 1000:.1f} ms (median of 5)")
    print(
        f"  audit appends: {args.events:,} in {append:.2f} s = {args.events / append:,.0f} events/s"
    )
    print(
        f"  chain verification: {report.checked:,} events in {verify:.2f} s "
        f"= {report.checked / verify:,.0f} events/s, ok={report.ok}"
    )
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
