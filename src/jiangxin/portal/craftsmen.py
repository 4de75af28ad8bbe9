"""The craftsman pages (工匠风采): a public page per published craftsman, and its editing.

What may be public: only what the person agreed to publish in their latest published
nomination (jiangxin.cultivation.consent: name, unit, occupation, the deeds summary), the
highlights an officer shortened from the statements (shown only with the consent to publish
the deeds), a photo the person agreed to (its metadata stripped), and the stories written
about them. Never the birth date, the ID number, the phone, the statements as written or
the evidence. A person who did not agree to their name being published has no page.

The public pages read `PublicCraftsman` objects made here, never a Person, so a template
cannot reach a field that is not public. Editing is for the program officers whose subtree
issued one of the person's published campaigns (cultivation.rules).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.core.audit import record_event
from jiangxin.core.collation import stroke_key
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.cultivation import consent
from jiangxin.cultivation import rules as cultivation_rules
from jiangxin.cultivation.models import CraftsmanProfile, ProfileHighlight
from jiangxin.nominations.models import Nomination, Statement
from jiangxin.people.models import Person
from jiangxin.people.uploads import check_upload
from jiangxin.portal import selectors as portal_selectors
from jiangxin.portal.cache import invalidate_portal_cache_on_commit
from jiangxin.portal.models import Article
from jiangxin.portal.rules import can_edit_article
from jiangxin.programs.models import TIER_RANK, Dimension

if TYPE_CHECKING:
    from jiangxin.accounts.models import User

PUBLISHED = Nomination.Status.PUBLISHED
#: Photos are kept at most this many pixels on the longer side (re-encoded, metadata gone).
PHOTO_MAX_SIDE = 1200
PHOTO_TYPES = {"image/jpeg": ("JPEG", ".jpg"), "image/png": ("PNG", ".png")}
#: Person fields a public page never shows (not even loaded for one).
NEVER_PUBLIC = ("id_number", "id_index", "phone", "phone_index", "birth_date", "email")
#: A suggested highlight is cut at a sentence end within this many characters.
SUGGESTION_CHARS = 120


# --- Reading --------------------------------------------------------------------------------


def published_nominations() -> QuerySet[Nomination]:
    """Published nominations (whether the person may be named is decided in Python: the
    consent is a JSON list, which SQLite cannot search, and may come from a notice entry)."""
    return Nomination.objects.filter(status=PUBLISHED, person__isnull=False)


def _named(nominations: Iterable[Nomination]) -> list[Nomination]:
    return [n for n in nominations if consent.may_be_named(n)]


_RANK = {str(tier): rank for tier, rank in TIER_RANK.items()}


def governing_order(n: Nomination) -> tuple[int, int, int]:
    return (n.campaign.year, _RANK.get(n.campaign.tier, 0), n.pk)


def _latest(nominations: Iterable[Nomination]) -> Nomination | None:
    """The nomination whose consent governs the page: the latest year, then the highest tier."""
    return max(nominations, key=governing_order, default=None)


@dataclass(frozen=True)
class CraftsmanFilters:
    tier: str = ""
    year: int | None = None
    province: str = ""
    occupation: str = ""
    q: str = ""


def _filtered(filters: CraftsmanFilters) -> QuerySet[Nomination]:
    qs = published_nominations()
    if filters.tier:
        qs = qs.filter(campaign__tier=filters.tier)
    if filters.year:
        qs = qs.filter(campaign__year=filters.year)
    if filters.province:
        qs = qs.filter(
            Q(person__employer__region__code=filters.province)
            | Q(person__employer__region__parent__code=filters.province)
        )
    if filters.occupation:
        qs = qs.filter(person__occupation__icontains=filters.occupation)
    if filters.q:
        qs = qs.filter(person__name__icontains=filters.q)
    return qs


def public_person_ids(filters: CraftsmanFilters | None = None) -> list[int]:
    """The people with a public page matching `filters`, in surname stroke order.

    A filter matches on any of the person's published nominations (a municipal craftsman of
    2024 who became a provincial one in 2026 is found under both), while whether a person may
    be named at all follows their latest published nomination.
    """
    matching = set(
        _filtered(filters or CraftsmanFilters()).values_list("person_id", flat=True).distinct()
    )
    if not matching:
        return []
    governing: dict[int, Nomination] = {}
    for n in (
        published_nominations()
        .filter(person_id__in=matching)
        .select_related("campaign", "person")
        .only(
            "pk",
            "person_id",
            "person__name",
            "consent_given",
            "consent_fields",
            "campaign__year",
            "campaign__tier",
        )
        .prefetch_related(consent.entries_prefetch())
    ):
        if n.person_id is None:  # pragma: no cover - filtered out above
            continue
        current = governing.get(n.person_id)
        if current is None or governing_order(n) > governing_order(current):
            governing[n.person_id] = n
    named = [n for n in governing.values() if consent.may_be_named(n)]
    named.sort(key=lambda n: stroke_key(n.person.name))  # type: ignore[union-attr]
    return [n.person_id for n in named if n.person_id is not None]


@dataclass(frozen=True)
class Title:
    """A tier the person was published in (e.g. 2026 · 省部级工匠 · 河北省总工会)."""

    year: int
    tier: str
    tier_label: str
    issuer: str


@dataclass(frozen=True)
class Highlight:
    dimension: str
    text: str


@dataclass(frozen=True)
class PublicCraftsman:
    """Everything a public craftsman page or card may show, and nothing else."""

    person_id: int
    name: str
    unit: str
    occupation: str
    summary: str
    titles: Sequence[Title]
    photo_version: str = ""
    highlights: Sequence[Highlight] = field(default_factory=tuple)
    stories: Sequence[Article] = field(default_factory=tuple)

    @property
    def top_title(self) -> Title | None:
        return self.titles[0] if self.titles else None

    @property
    def has_photo(self) -> bool:
        return bool(self.photo_version)


def _nominations_prefetch() -> Prefetch:
    return Prefetch(
        "nominations",
        queryset=published_nominations()
        .select_related("campaign", "campaign__issuing_org")
        .prefetch_related(consent.entries_prefetch())
        .order_by("-campaign__year", "pk"),
        to_attr="published",
    )


def _people(person_ids: Sequence[int]) -> list[Person]:
    people = (
        Person.objects.filter(pk__in=person_ids)
        # Never even loaded for a public page: what may never be shown.
        .defer(*NEVER_PUBLIC)
        .select_related("employer", "craftsman_profile")
        .prefetch_related(_nominations_prefetch())
    )
    by_id = {p.pk: p for p in people}
    return [by_id[pk] for pk in person_ids if pk in by_id]


def _profile(person: Person) -> CraftsmanProfile | None:
    try:
        return person.craftsman_profile
    except CraftsmanProfile.DoesNotExist:
        return None


def _public(
    person: Person,
    *,
    highlights: Sequence[Highlight] = (),
    stories: Sequence[Article] = (),
) -> PublicCraftsman | None:
    nominations: list[Nomination] = getattr(person, "published", [])
    latest = _latest(nominations)
    if latest is None or not consent.may_be_named(latest):
        return None
    fields = consent.consented_fields(latest)
    profile = _profile(person)
    titles = sorted(
        {
            Title(
                year=n.campaign.year,
                tier=n.campaign.tier,
                tier_label=str(n.campaign.get_tier_display()),
                issuer=n.campaign.issuing_org.display_name,
            )
            for n in nominations
        },
        key=lambda t: (-_RANK.get(t.tier, 0), -t.year),
    )
    photo_version = ""
    if profile is not None and profile.photo and profile.photo_consent_on:
        photo_version = f"{profile.updated_at:%Y%m%d%H%M%S}"
    return PublicCraftsman(
        person_id=person.pk,
        name=person.name,
        unit=person.employer.display_name if consent.UNIT in fields else "",
        occupation=person.occupation if consent.OCCUPATION in fields else "",
        summary=consent.public_summary(latest),
        titles=titles,
        photo_version=photo_version,
        highlights=highlights if consent.SUMMARY in fields else (),
        stories=stories,
    )


def public_cards(person_ids: Sequence[int]) -> list[PublicCraftsman]:
    """The cards of a list page, in the order given (a fixed number of queries)."""
    cards = (_public(person) for person in _people(person_ids))
    return [card for card in cards if card is not None]


def public_craftsman(person_id: int) -> PublicCraftsman | None:
    """The public page of one person, or None when they have none (never published, or no
    consent to their name)."""
    people = _people([person_id])
    if not people:
        return None
    person = people[0]
    profile = _profile(person)
    highlights: list[Highlight] = []
    stories: list[Article] = []
    if profile is not None:
        latest = _latest(getattr(person, "published", []))
        version_id = latest.campaign.policy_version_id if latest else None
        highlights = [
            Highlight(dimension=h.dimension.name, text=h.text)
            for h in profile.highlights.filter(dimension__version_id=version_id)
            .select_related("dimension")
            .order_by("dimension__order")
        ]
        stories = list(
            portal_selectors.public_articles()
            .filter(category=Article.Category.STORIES, craftsman_profiles=profile)
            .only("id", "title", "summary", "published_at", "category", "status")
            .order_by("-published_at", "-id")
        )
    return _public(person, highlights=highlights, stories=stories)


def public_photo(person_id: int) -> CraftsmanProfile | None:
    """The profile whose photo may be served publicly, or None."""
    card = public_craftsman_card(person_id)
    if card is None or not card.has_photo:
        return None
    return CraftsmanProfile.objects.filter(person_id=person_id).first()


def public_craftsman_card(person_id: int) -> PublicCraftsman | None:
    cards = public_cards([person_id])
    return cards[0] if cards else None


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The years and provinces that have published craftsmen (for the list's filters)."""
    from jiangxin.reference.models import Region

    base = published_nominations()
    years = sorted(set(base.values_list("campaign__year", flat=True)), reverse=True)
    codes = {
        code
        for pair in base.values_list(
            "person__employer__region__code", "person__employer__region__parent__code"
        )
        for code in pair
        if code
    }
    provinces = Region.objects.filter(code__in=codes, level=Region.Level.PROVINCE).order_by("code")
    return {
        "years": [(str(y), str(y)) for y in years],
        "provinces": [(r.code, r.name) for r in provinces],
    }


# --- Editing --------------------------------------------------------------------------------


def craftsmen_editable_by(user: Any) -> QuerySet[Person]:
    """People with a published nomination in a campaign issued in the user's program subtree."""
    paths = cultivation_rules.program_officer_paths(user)
    if not paths:
        return Person.objects.none()
    from jiangxin.accounts.rules import subtree_q

    noms = Nomination.objects.filter(status=PUBLISHED).filter(
        subtree_q(paths, field="campaign__issuing_org__path")
    )
    return Person.objects.filter(pk__in=noms.values("person_id"))


def editor_rows(person_ids: Sequence[int]) -> list[dict[str, Any]]:
    """What the editor's list shows per person (a fixed number of queries)."""
    rows = []
    people = (
        Person.objects.filter(pk__in=person_ids)
        .select_related("employer", "craftsman_profile")
        .prefetch_related(_nominations_prefetch_all())
    )
    by_id = {p.pk: p for p in people}
    for pk in person_ids:
        person = by_id.get(pk)
        if person is None:
            continue
        nominations: list[Nomination] = getattr(person, "published_all", [])
        latest = _latest(nominations)
        profile = _profile(person)
        rows.append(
            {
                "person": person,
                "latest": latest,
                "named": latest is not None and consent.may_be_named(latest),
                "has_photo": bool(profile and profile.photo),
            }
        )
    return rows


def _nominations_prefetch_all() -> Prefetch:
    return Prefetch(
        "nominations",
        queryset=Nomination.objects.filter(status=PUBLISHED)
        .select_related("campaign", "campaign__issuing_org")
        .prefetch_related(consent.entries_prefetch())
        .order_by("-campaign__year", "pk"),
        to_attr="published_all",
    )


def published_of(person_id: int) -> list[Nomination]:
    return list(
        Nomination.objects.filter(person_id=person_id, status=PUBLISHED).select_related(
            "campaign", "campaign__issuing_org", "campaign__policy_version"
        )
    )


def governing_nomination(person_id: int) -> Nomination | None:
    """The published nomination whose consent governs the person's page (the latest)."""
    return _latest(published_of(person_id))


def can_edit_page(user: Any, nominations: Sequence[Nomination]) -> bool:
    return cultivation_rules.can_edit_craftsman_page(
        user, [n.campaign.issuing_org.path for n in nominations]
    )


def _require_editor(acting_user: User, person_id: int) -> Nomination:
    """The person's governing published nomination, if the user may edit their page."""
    nominations = published_of(person_id)
    latest = _latest(nominations)
    if latest is None or not can_edit_page(acting_user, nominations):
        raise PermissionDenied(
            "craftsman.edit_scope", _("This craftsman's page is outside your scope.")
        )
    return latest


def _locked_profile(person_id: int, acting_user: User) -> CraftsmanProfile:
    try:
        with transaction.atomic():
            CraftsmanProfile.objects.get_or_create(person_id=person_id)
    except IntegrityError:
        pass  # made at the same moment by another request: it exists now
    profile = CraftsmanProfile.objects.select_for_update(of=("self",)).get(person_id=person_id)
    profile.updated_by = acting_user
    return profile


def _audit(action: str, acting_user: User, profile: CraftsmanProfile, **summary: Any) -> None:
    record_event(action, actor=acting_user, obj=profile, summary=summary)
    invalidate_portal_cache_on_commit()


def suggested_highlight(text: str, limit: int = SUGGESTION_CHARS) -> str:
    """A statement shortened for the page: whole sentences within `limit` characters when the
    first ones fit, else cut with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(mark) for mark in "。！？；")
    if cut >= limit // 2:
        return head[: cut + 1]
    return head[: limit - 1] + "…"


def highlight_drafts(
    nomination: Nomination, profile: CraftsmanProfile | None
) -> list[dict[str, Any]]:
    """Per dimension of the nomination's policy: the saved highlight, or a suggestion from
    the statement (not shown publicly until saved)."""
    dimensions = list(
        Dimension.objects.filter(version_id=nomination.campaign.policy_version_id).order_by("order")
    )
    statements = {s.dimension_id: s.text for s in Statement.objects.filter(nomination=nomination)}
    saved = (
        {h.dimension_id: h.text for h in profile.highlights.all()} if profile is not None else {}
    )
    return [
        {
            "dimension": d,
            "saved": d.pk in saved,
            "text": saved.get(d.pk, suggested_highlight(statements.get(d.pk, ""))),
            "statement": statements.get(d.pk, ""),
        }
        for d in dimensions
    ]


@transaction.atomic
def do_save_craftsman_highlights(
    *, acting_user: User, person_id: int, texts: Mapping[int, str]
) -> CraftsmanProfile:
    """Save the highlights per dimension (dimension id → text); an empty text removes that
    dimension's highlight. Dimensions are those of the governing nomination's policy."""
    latest = _require_editor(acting_user, person_id)
    profile = _locked_profile(person_id, acting_user)
    allowed = set(
        Dimension.objects.filter(version_id=latest.campaign.policy_version_id).values_list(
            "pk", flat=True
        )
    )
    unknown = set(texts) - allowed
    if unknown:
        raise DomainError(
            "craftsman.highlight_dimension",
            _("A highlight names a dimension of another policy version."),
        )
    kept, removed = [], []
    for dimension_id, raw in texts.items():
        text = " ".join(raw.split())
        if len(text) > ProfileHighlight.MAX_CHARS:
            raise DomainError(
                "craftsman.highlight_length",
                _("A highlight may have at most %(n)s characters.")
                % {"n": ProfileHighlight.MAX_CHARS},
            )
        if text:
            ProfileHighlight.objects.update_or_create(
                profile=profile,
                dimension_id=dimension_id,
                defaults={"text": text, "nomination": latest, "updated_by": acting_user},
            )
            kept.append(dimension_id)
        else:
            ProfileHighlight.objects.filter(profile=profile, dimension_id=dimension_id).delete()
            removed.append(dimension_id)
    profile.save(update_fields=["updated_by", "updated_at"])
    _audit(
        "craftsman.highlights_saved",
        acting_user,
        profile,
        saved=sorted(kept),
        removed=sorted(removed),
    )
    return profile


def _reencode(stream: IO[bytes]) -> tuple[bytes, str, str]:
    """The image re-encoded without its metadata (EXIF can hold where and when a photo was
    taken), turned upright and at most PHOTO_MAX_SIDE pixels: (bytes, content type, suffix)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    stream.seek(0)
    try:
        with Image.open(stream) as source:
            kind = source.format
            image = ImageOps.exif_transpose(source)
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            if kind == "PNG":
                image.save(out, format="PNG", optimize=True)
                return out.getvalue(), "image/png", ".png"
            image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
            return out.getvalue(), "image/jpeg", ".jpg"
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise DomainError(
            "craftsman.photo_unreadable", _("The photo could not be read as an image.")
        ) from exc


def do_save_craftsman_photo(
    *,
    acting_user: User,
    person_id: int,
    name: str,
    stream: IO[bytes],
    size: int,
    consent_on: dt.date,
) -> CraftsmanProfile:
    """Store a photo for the page (JPG or PNG, checked like every upload, re-encoded); the
    person's agreement to its publication is required and dated."""
    from django.core.files.storage import default_storage

    checked = check_upload(name, stream, size)
    if checked.content_type not in PHOTO_TYPES:
        raise DomainError("craftsman.photo_type", _("The photo must be a JPG or PNG image."))
    if consent_on > timezone.localdate():
        raise DomainError(
            "craftsman.photo_consent_future",
            _("The date of the agreement cannot be in the future."),
        )
    content, content_type, suffix = _reencode(stream)
    stored: str | None = None
    try:
        with transaction.atomic():
            _require_editor(acting_user, person_id)
            profile = _locked_profile(person_id, acting_user)
            old = profile.photo.name if profile.photo else ""
            profile.photo.save(f"photo{suffix}", ContentFile(content), save=False)
            stored = profile.photo.name
            profile.photo_content_type = content_type
            profile.photo_consent_on = consent_on
            profile.save()
            _audit(
                "craftsman.photo_saved",
                acting_user,
                profile,
                size=len(content),
                sha256=checked.sha256,
                consent_on=consent_on,
            )
            if old:
                transaction.on_commit(lambda: default_storage.delete(old))
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return profile


@transaction.atomic
def do_remove_craftsman_photo(*, acting_user: User, person_id: int) -> CraftsmanProfile:
    from django.core.files.storage import default_storage

    _require_editor(acting_user, person_id)
    profile = _locked_profile(person_id, acting_user)
    old = profile.photo.name if profile.photo else ""
    profile.photo = ""
    profile.photo_content_type = ""
    profile.photo_consent_on = None
    profile.save()
    _audit("craftsman.photo_removed", acting_user, profile)
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return profile


def stories_linkable_by(user: Any) -> QuerySet[Article]:
    """Story articles the user may link (those of the portal they edit)."""
    return portal_selectors.articles_editable_by(user).filter(category=Article.Category.STORIES)


@transaction.atomic
def do_link_craftsman_story(
    *, acting_user: User, person_id: int, article_id: int
) -> CraftsmanProfile:
    _require_editor(acting_user, person_id)
    article = Article.objects.select_related("source_org").get(pk=article_id)
    if article.category != Article.Category.STORIES:
        raise DomainError(
            "craftsman.story_category", _("Only articles of the craftsman stories channel link.")
        )
    if not can_edit_article(acting_user, article):
        raise PermissionDenied("craftsman.story_scope", _("This article is outside your scope."))
    profile = _locked_profile(person_id, acting_user)
    profile.stories.add(article)
    profile.save(update_fields=["updated_by", "updated_at"])
    _audit("craftsman.story_linked", acting_user, profile, article=article.pk)
    return profile


@transaction.atomic
def do_unlink_craftsman_story(
    *, acting_user: User, person_id: int, article_id: int
) -> CraftsmanProfile:
    _require_editor(acting_user, person_id)
    profile = _locked_profile(person_id, acting_user)
    profile.stories.remove(article_id)
    profile.save(update_fields=["updated_by", "updated_at"])
    _audit("craftsman.story_unlinked", acting_user, profile, article=article_id)
    return profile
