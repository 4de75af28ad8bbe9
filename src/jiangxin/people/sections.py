"""The record sections of a profile (work history, honours, … apprentices) and its
attachments, as reusable blocks.

Each block is built here into a small object and rendered by one template include; the same
include is what the partial views return after an add, edit or delete, so any page can embed
a block and let htmx swap it in place. The profile page embeds them all; the nomination form
embeds them in its "work history and record" and "evidence" steps::

    from jiangxin.people.sections import SectionOptions, attachments_section, record_sections

    options = SectionOptions(return_url=request.get_full_path(), heading_level=3)
    context["record_sections"] = record_sections(person, user=request.user, options=options)
    context["attachments_section"] = attachments_section(
        person, user=request.user, options=options
    )

    {% for section in record_sections %}
      {% include "people/includes/record_section.html" %}
    {% endfor %}
    {% include "people/includes/attachments_section.html" with section=attachments_section %}

`return_url` is where a plain (non-htmx) submission goes back to; `heading_level` is the
level of the block's heading (2 on the profile page). Both travel in the query string of
the block's URLs (``next`` and ``hl``), so a refreshed block keeps them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jiangxin.core.masking import mask_numbers_in
from jiangxin.people import rules
from jiangxin.people.actions import RECORD_MODELS
from jiangxin.people.frontline import frontline_months
from jiangxin.people.models import (
    Achievement,
    Apprentice,
    Attachment,
    ContestResult,
    Honor,
    KeyProject,
    Person,
    PersonRecord,
    WorkPeriod,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiangxin.accounts.models import User

    AnyUser = User | AnonymousUser

RECORD_KINDS = tuple(RECORD_MODELS)


@dataclass(frozen=True)
class SectionOptions:
    """How an embedded block behaves: where plain submissions return, its heading level."""

    return_url: str = ""
    heading_level: int = 2

    @classmethod
    def from_request(cls, request: HttpRequest) -> SectionOptions:
        """Read ``next`` and ``hl`` from the query string (unsafe or odd values are dropped)."""
        nxt = request.GET.get("next", "")
        if not (
            nxt.startswith("/")
            and url_has_allowed_host_and_scheme(
                nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            nxt = ""
        try:
            level = int(request.GET.get("hl", "2"))
        except ValueError:
            level = 2
        return cls(return_url=nxt, heading_level=min(max(level, 2), 5))

    def query(self) -> str:
        params: dict[str, str] = {}
        if self.return_url:
            params["next"] = self.return_url
        if self.heading_level != 2:
            params["hl"] = str(self.heading_level)
        return f"?{urlencode(params)}" if params else ""


def edit_state(user: AnyUser, person: Person) -> tuple[bool, bool]:
    """(may the user keep this profile, is it frozen by a submitted nomination)."""
    return rules.can_edit_person(user, person), rules.is_person_locked(person)


# --- Record sections --------------------------------------------------------------------------


def _date(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _years(start: int, end: int | None) -> str:
    if end is None:
        return _("%(start)s – to date") % {"start": start}
    return str(start) if end == start else f"{start}–{end}"


def _work_cells(row: WorkPeriod) -> list[str]:
    end = _date(row.end) if row.end else _("to date")
    return [
        f"{_date(row.start)} – {end}",
        row.employer_name,
        row.position,
        _("Yes") if row.is_frontline else _("No"),
        row.note,
    ]


def _honor_cells(row: Honor) -> list[str]:
    return [str(row.year), row.title, str(row.get_level_display()), row.awarded_by]


def _contest_cells(row: ContestResult) -> list[str]:
    return [str(row.year), row.contest, str(row.get_level_display()), row.result]


def _achievement_cells(row: Achievement) -> list[str]:
    return [str(row.year), str(row.get_kind_display()), row.title, row.number]


def _project_cells(row: KeyProject) -> list[str]:
    return [_years(row.start_year, row.end_year), row.title, row.role, row.outcome]


def _apprentice_cells(row: Apprentice) -> list[str]:
    level = row.skill_level_reached.name if row.skill_level_reached else ""
    return [row.name, str(row.since_year), level, row.note]


@dataclass(frozen=True)
class RecordKind:
    kind: str
    model: type[PersonRecord]
    columns: Callable[[], list[str]]
    cells: Callable[[Any], list[str]]
    add_label: Callable[[], str]
    empty_text: Callable[[], str]
    related: tuple[str, ...] = ()


def _label(model: type[PersonRecord], name: str) -> str:
    field = model._meta.get_field(name)
    return str(capfirst(getattr(field, "verbose_name", name)))


KINDS: dict[str, RecordKind] = {
    "work": RecordKind(
        "work",
        WorkPeriod,
        lambda: [
            _("Period"),
            _label(WorkPeriod, "employer_name"),
            _label(WorkPeriod, "position"),
            _("Front-line"),
            _label(WorkPeriod, "note"),
        ],
        _work_cells,
        lambda: _("Add a work period"),
        lambda: _("No work period recorded yet."),
    ),
    "honor": RecordKind(
        "honor",
        Honor,
        lambda: [_label(Honor, n) for n in ("year", "title", "level", "awarded_by")],
        _honor_cells,
        lambda: _("Add an honour"),
        lambda: _("No honour recorded yet."),
    ),
    "contest": RecordKind(
        "contest",
        ContestResult,
        lambda: [_label(ContestResult, n) for n in ("year", "contest", "level", "result")],
        _contest_cells,
        lambda: _("Add a contest result"),
        lambda: _("No contest result recorded yet."),
    ),
    "achievement": RecordKind(
        "achievement",
        Achievement,
        lambda: [_label(Achievement, n) for n in ("year", "kind", "title", "number")],
        _achievement_cells,
        lambda: _("Add an achievement"),
        lambda: _("No patent, work method or other achievement recorded yet."),
    ),
    "project": RecordKind(
        "project",
        KeyProject,
        lambda: [_("Years"), *(_label(KeyProject, n) for n in ("title", "role", "outcome"))],
        _project_cells,
        lambda: _("Add a key project"),
        lambda: _("No key project recorded yet."),
    ),
    "apprentice": RecordKind(
        "apprentice",
        Apprentice,
        lambda: [
            _label(Apprentice, n) for n in ("name", "since_year", "skill_level_reached", "note")
        ],
        _apprentice_cells,
        lambda: _("Add an apprentice"),
        lambda: _("No apprentice recorded yet."),
        related=("skill_level_reached",),
    ),
}


@dataclass
class RecordRow:
    pk: int
    cells: list[str]
    edit_url: str
    delete_url: str
    label: str
    #: The inline edit form, when this row is being edited.
    form: forms.BaseForm | None = None


@dataclass
class RecordSection:
    """One record block, ready for "people/includes/record_section.html"."""

    kind: str
    title: str
    person: Person
    columns: list[str]
    rows: list[RecordRow]
    can_edit: bool
    locked: bool
    section_url: str
    add_url: str
    add_label: str
    empty_text: str
    options: SectionOptions
    #: The add form, when it is open.
    form: forms.BaseForm | None = None
    message: str = ""
    error: str = ""
    summary: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dom_id(self) -> str:
        return f"record-{self.kind}"

    @property
    def heading_level(self) -> int:
        return self.options.heading_level

    @property
    def editing(self) -> bool:
        return self.form is not None or any(r.form is not None for r in self.rows)

    @property
    def cancel_url(self) -> str:
        """Where "Cancel" leads without htmx."""
        return self.options.return_url or (
            reverse("people:detail", args=[self.person.pk]) + f"#{self.dom_id}"
        )


def record_rows(person: Person, kind: str) -> QuerySet[PersonRecord]:
    spec = KINDS[kind]
    qs = spec.model._default_manager.filter(person=person)
    if spec.related:
        qs = qs.select_related(*spec.related)
    return qs


def _frontline_summary(rows: list[WorkPeriod]) -> str:
    if not rows:
        return ""
    today = timezone.localdate()
    months = frontline_months([(r.start, r.end, r.is_frontline) for r in rows], as_of=today)
    years, rest = divmod(months, 12)
    span = ngettext("%(years)s year", "%(years)s years", years) % {"years": years}
    span += " " + ngettext("%(months)s month", "%(months)s months", rest) % {"months": rest}
    return _(
        "Front-line production work: %(months)s months in total (%(span)s) as of %(date)s. "
        "Overlapping periods count once."
    ) % {"months": months, "span": span, "date": today.isoformat()}


def record_section(
    person: Person,
    kind: str,
    *,
    user: AnyUser,
    options: SectionOptions | None = None,
    state: tuple[bool, bool] | None = None,
    form: forms.BaseForm | None = None,
    editing: int | None = None,
    message: str = "",
    error: str = "",
) -> RecordSection:
    """Build one record block. `form` is the open add form, or with `editing` (a row id)
    the open edit form of that row. `state` is `edit_state(user, person)` if already known."""
    spec = KINDS[kind]
    options = options or SectionOptions()
    can_edit, locked = state if state is not None else edit_state(user, person)
    query = options.query()
    objects = list(record_rows(person, kind))
    rows = []
    for obj in objects:
        cells = [mask_numbers_in(c) for c in spec.cells(obj)]
        rows.append(
            RecordRow(
                pk=obj.pk,
                cells=cells,
                edit_url=reverse("people:record_edit", args=[person.pk, kind, obj.pk]) + query,
                delete_url=reverse("people:record_delete", args=[person.pk, kind, obj.pk]) + query,
                label=" ".join(c for c in cells[:2] if c),
                form=form if editing == obj.pk else None,
            )
        )
    return RecordSection(
        kind=kind,
        title=str(capfirst(spec.model._meta.verbose_name_plural)),
        person=person,
        columns=spec.columns(),
        rows=rows,
        can_edit=can_edit and not locked,
        locked=locked,
        section_url=reverse("people:record_section", args=[person.pk, kind]) + query,
        add_url=reverse("people:record_add", args=[person.pk, kind]) + query,
        add_label=spec.add_label(),
        empty_text=spec.empty_text(),
        options=options,
        form=form if editing is None else None,
        message=message,
        error=error,
        summary=_frontline_summary(objects) if kind == "work" else "",  # type: ignore[arg-type]
    )


def record_sections(
    person: Person,
    *,
    user: AnyUser,
    options: SectionOptions | None = None,
    state: tuple[bool, bool] | None = None,
) -> list[RecordSection]:
    """Every record block of a profile, in the order of the nomination form."""
    state = state if state is not None else edit_state(user, person)
    return [
        record_section(person, kind, user=user, options=options, state=state)
        for kind in RECORD_KINDS
    ]


# --- Attachments ------------------------------------------------------------------------------


@dataclass
class AttachmentRow:
    attachment: Attachment
    #: The original file name and the description, numbers in them masked.
    name: str
    description: str
    size_label: str
    type_label: str
    in_use: bool
    download_url: str
    delete_url: str


@dataclass
class AttachmentsSection:
    """The attachments block, ready for "people/includes/attachments_section.html"."""

    person: Person
    rows: list[AttachmentRow]
    can_edit: bool
    locked: bool
    section_url: str
    upload_url: str
    options: SectionOptions
    form: forms.BaseForm | None = None
    message: str = ""
    error: str = ""

    dom_id = "attachments"

    @property
    def title(self) -> str:
        return _("Attachments")

    @property
    def heading_level(self) -> int:
        return self.options.heading_level

    @property
    def cancel_url(self) -> str:
        return self.options.return_url or (
            reverse("people:detail", args=[self.person.pk]) + f"#{self.dom_id}"
        )


def attachments_section(
    person: Person,
    *,
    user: AnyUser,
    options: SectionOptions | None = None,
    state: tuple[bool, bool] | None = None,
    form: forms.BaseForm | None = None,
    message: str = "",
    error: str = "",
) -> AttachmentsSection:
    from jiangxin.people.forms import AttachmentForm

    options = options or SectionOptions()
    can_edit, locked = state if state is not None else edit_state(user, person)
    query = options.query()
    attachments = (
        Attachment.objects.filter(person=person)
        .select_related("uploaded_by")
        .annotate(evidence_count=Count("evidence"))
    )
    rows = [
        AttachmentRow(
            attachment=a,
            name=mask_numbers_in(a.original_name),
            description=mask_numbers_in(a.description),
            size_label=str(filesizeformat(a.size)),
            type_label=PurePosixPath(a.file.name).suffix.lstrip(".").upper(),
            in_use=bool(a.evidence_count),
            download_url=reverse("people:attachment_download", args=[a.pk]),
            delete_url=reverse("people:attachment_delete", args=[person.pk, a.pk]) + query,
        )
        for a in attachments
    ]
    editable = can_edit and not locked
    return AttachmentsSection(
        person=person,
        rows=rows,
        can_edit=editable,
        locked=locked,
        section_url=reverse("people:attachments_section", args=[person.pk]) + query,
        upload_url=reverse("people:attachment_upload", args=[person.pk]) + query,
        options=options,
        form=(form or AttachmentForm(prefix="attachment")) if editable else None,
        message=message,
        error=error,
    )
