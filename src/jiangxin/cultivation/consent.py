"""What a published craftsman agreed to make public (the notice fields).

The public list, its PDF and Excel, and the craftsman pages show only these fields. Birth
date, ID number, phone and the statements as written are never public; the highlights an
officer shortens from the statements appear only with the consent to publish the deeds.

Where the consent comes from, most recent first:
1. the entry of the nomination in the last closed public notice (notices.NoticeEntry): the
   consent copied from the nomination, or one the officer recorded later with a note;
2. the nomination's own `consent_fields`; a nomination from before per-field consent (no such
   attribute) had one box standing for every field. Without `consent_given`, nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch

if TYPE_CHECKING:
    from jiangxin.nominations.models import Nomination

NAME = "name"
GENDER = "gender"
UNIT = "unit"
OCCUPATION = "occupation"
SUMMARY = "summary"

#: The notice field codes (nominations.models.NoticeField), in notice order.
ALL_FIELDS: tuple[str, ...] = (NAME, GENDER, UNIT, OCCUPATION, SUMMARY)

#: Where `entries_prefetch` puts a nomination's notice entries.
ENTRIES_ATTR = "closed_notice_entries"


def entries_prefetch(prefix: str = "") -> Prefetch:
    """Prefetch the entries of closed notices (not disqualified), oldest notice first, for
    `latest_entry`; `prefix` is the lookup path to the nominations (e.g. "nominations__")."""
    from jiangxin.notices.models import NoticeEntry, PublicNotice

    return Prefetch(
        f"{prefix}notice_entries",
        queryset=NoticeEntry.objects.filter(
            notice__status=PublicNotice.Status.CLOSED, disqualified_at__isnull=True
        ).order_by("notice__ends_on", "notice_id"),
        to_attr=ENTRIES_ATTR,
    )


def latest_entry(nomination: Nomination) -> Any | None:
    """The nomination's entry in its last closed notice, or None."""
    entries = getattr(nomination, ENTRIES_ATTR, None)
    if entries is None:
        from jiangxin.notices.models import NoticeEntry, PublicNotice

        entries = list(
            NoticeEntry.objects.filter(
                nomination_id=nomination.pk,
                notice__status=PublicNotice.Status.CLOSED,
                disqualified_at__isnull=True,
            ).order_by("notice__ends_on", "notice_id")
        )
    return entries[-1] if entries else None


def consented_fields(nomination: Nomination) -> frozenset[str]:
    """The notice fields the person agreed to publish (see the module docstring)."""
    entry = latest_entry(nomination)
    if entry is not None:
        return frozenset(entry.consent_fields) & frozenset(ALL_FIELDS)
    if not nomination.consent_given:
        return frozenset()
    fields = getattr(nomination, "consent_fields", None)
    if fields is None:
        return frozenset(ALL_FIELDS)
    return frozenset(fields) & frozenset(ALL_FIELDS)


def may_be_named(nomination: Nomination) -> bool:
    """Whether the person may appear on a public page at all (without the name, never)."""
    return NAME in consented_fields(nomination)


def public_summary(nomination: Nomination) -> str:
    """The deeds summary as the public saw it (the notice's approved text when there was a
    notice), or "" without the consent to publish it."""
    if SUMMARY not in consented_fields(nomination):
        return ""
    entry = latest_entry(nomination)
    if entry is not None:
        return str(entry.public_summary or entry.approved_summary or nomination.deeds_summary)
    return nomination.deeds_summary
