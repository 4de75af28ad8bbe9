"""Writes to craftsman profiles and their records. Every act is audited; personal data never
goes into an audit summary unmasked."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiangxin.core.audit import record_event
from jiangxin.core.crypto import blind_index
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.idnumbers import validate_id_number
from jiangxin.core.masking import mask_id_number, mask_numbers_in
from jiangxin.orgs.models import Organization
from jiangxin.people import rules
from jiangxin.people.choices import Gender
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
from jiangxin.people.selectors import PHONE_INDEX_PURPOSE, id_index_of
from jiangxin.people.uploads import check_upload

if TYPE_CHECKING:
    from jiangxin.accounts.models import User

#: The editable fields of a profile (identity comes from the ID number).
PROFILE_FIELDS = (
    "name",
    "ethnicity",
    "political_status",
    "education",
    "phone",
    "email",
    "position",
    "industry",
    "occupation_group",
    "occupation",
    "skill_level",
    "skill_certificate_no",
    "skill_certified_on",
    "union",
)

#: The kinds of record rows, by the name used in URLs and forms.
RECORD_MODELS: dict[str, type[PersonRecord]] = {
    "work": WorkPeriod,
    "honor": Honor,
    "contest": ContestResult,
    "achievement": Achievement,
    "project": KeyProject,
    "apprentice": Apprentice,
}


_UNION_SCOPE_MESSAGE = _(
    "Choose the trade union you work for: with another union (or none) the profile would "
    "leave your scope."
)


def _id_error(exc: ValidationError) -> DomainError:
    return DomainError("people.id_number", " ".join(str(m) for m in exc.messages))


def _check_union(employer: Organization, union: Organization | None) -> None:
    if union is not None and (
        union.kind != Organization.Kind.ENTERPRISE_UNION or not union.path.startswith(employer.path)
    ):
        raise DomainError(
            "people.union_outside",
            _("The trade union must be the union of the employer (or of one of its parts)."),
        )


def _own_unions(user: User, employer: Organization) -> list[Organization]:
    """The employer's enterprise unions the user prepares for."""
    return [
        u
        for u in Organization.objects.get_children(employer).filter(
            kind=Organization.Kind.ENTERPRISE_UNION
        )
        if rules.can_prepare_at(user, u)
    ]


def _safe(changes: dict[str, Any]) -> dict[str, Any]:
    """An audit summary of profile changes without personal data."""
    out = {}
    for name, value in changes.items():
        if name == "phone":
            out[name] = "changed"
        elif hasattr(value, "pk"):
            out[name] = value.pk
        elif isinstance(value, str):
            out[name] = mask_numbers_in(value)
        else:
            out[name] = value
    return out


def _lock_editable(person_id: int, acting_user: User) -> Person:
    """Lock a profile the user may edit and that no submitted nomination freezes."""
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("employer", "union")
        .get(pk=person_id)
    )
    if not rules.can_edit_person(acting_user, person):
        raise PermissionDenied("people.edit_scope", _("This person is outside your scope."))
    if rules.is_person_locked(person):
        raise DomainError(
            "people.locked",
            _(
                "This profile is part of a submitted nomination and cannot change until the "
                "nomination is returned for correction."
            ),
        )
    return person


@transaction.atomic
def do_create_person(
    *,
    acting_user: User,
    id_number: str,
    name: str,
    employer_id: int,
    fields: dict[str, Any] | None = None,
) -> Person:
    """Create a profile. Gender and birth date come from the ID number; the same ID number
    can exist only once (its blind index is unique)."""
    try:
        parsed = validate_id_number(id_number)
    except ValidationError as exc:
        raise _id_error(exc) from exc
    employer = Organization.objects.get(pk=employer_id)
    if employer.kind != Organization.Kind.ENTERPRISE:
        raise DomainError("people.employer_kind", _("The employer must be an enterprise."))
    fields = dict(fields or {})
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    if not rules.can_prepare_at(acting_user, employer):
        # The user keeps this employer's people only through one of its unions (a clerk of
        # the enterprise union): the profile must hang on such a union, or it would leave
        # the user's scope the moment it is saved.
        own_unions = _own_unions(acting_user, employer)
        if not own_unions:
            raise PermissionDenied("people.edit_scope", _("This employer is outside your scope."))
        if fields.get("union") is None:
            fields["union"] = own_unions[0]
        elif not rules.can_prepare_at(acting_user, fields["union"]):
            raise PermissionDenied("people.union_scope", _UNION_SCOPE_MESSAGE)
    _check_union(employer, fields.get("union"))
    phone = (fields.pop("phone", "") or "").strip()
    person = Person(
        name=name.strip(),
        id_number=parsed.number,
        id_index=id_index_of(parsed.number),
        gender=Gender.MALE if parsed.gender == "M" else Gender.FEMALE,
        birth_date=parsed.birth_date,
        employer=employer,
        phone=phone,
        phone_index=blind_index(phone, purpose=PHONE_INDEX_PURPOSE) if phone else "",
        created_by=acting_user,
        **fields,
    )
    try:
        with transaction.atomic():
            person.save(force_insert=True)
    except IntegrityError as exc:
        raise DomainError(
            "people.duplicate_id",
            _("A profile with this ID number already exists."),
        ) from exc
    record_event(
        "person.created",
        actor=acting_user,
        obj=person,
        summary={"after": {"id_number": mask_id_number(parsed.number), "employer": employer.pk}},
    )
    return person


@transaction.atomic
def do_update_person(*, acting_user: User, person_id: int, changes: dict[str, Any]) -> Person:
    person = _lock_editable(person_id, acting_user)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    if "union" in changes:
        _check_union(person.employer, changes["union"])
    changed = {}
    for name, value in changes.items():
        if name == "phone":
            value = (value or "").strip()
        if getattr(person, name) != value:
            changed[name] = value
            setattr(person, name, value)
    if "phone" in changed:
        person.phone_index = (
            blind_index(person.phone, purpose=PHONE_INDEX_PURPOSE) if person.phone else ""
        )
    if "union" in changed and not rules.can_edit_person(acting_user, person):
        raise PermissionDenied("people.union_scope", _UNION_SCOPE_MESSAGE)
    if changed:
        person.save()
        record_event(
            "person.updated", actor=acting_user, obj=person, summary={"after": _safe(changed)}
        )
    return person


@transaction.atomic
def do_move_person(*, acting_user: User, id_number: str, name: str, employer_id: int) -> Person:
    """Take over the profile of a person who now works for an employer in the user's scope.

    The caller proves they know the person: the ID number and the name must both match. The
    whole record (work history, honours, earlier nominations) stays with the person.
    """
    person = Person.objects.select_for_update().filter(id_index=id_index_of(id_number)).first()
    if person is None or person.name != name.strip():
        raise DomainError("people.no_match", _("No profile matches this ID number and name."))
    employer = Organization.objects.get(pk=employer_id)
    direct = rules.can_prepare_at(acting_user, employer)
    own_unions = [] if direct else _own_unions(acting_user, employer)
    if employer.kind != Organization.Kind.ENTERPRISE or not (direct or own_unions):
        raise PermissionDenied("people.edit_scope", _("This employer is outside your scope."))
    if rules.is_person_locked(person):
        raise DomainError(
            "people.locked",
            _("This person has a nomination in progress elsewhere; it must be decided first."),
        )
    before = {"employer": person.employer_id, "union": person.union_id}
    person.employer = employer
    # A clerk of the enterprise union keeps the person through that union.
    person.union = own_unions[0] if own_unions else None
    person.save(update_fields=["employer", "union", "updated_at"])
    record_event(
        "person.moved",
        actor=acting_user,
        obj=person,
        summary={"before": before, "after": {"employer": employer.pk, "union": person.union_id}},
    )
    return person


def _clean_record(model: type[PersonRecord], fields: dict[str, Any]) -> None:
    if model is WorkPeriod:
        start, end = fields.get("start"), fields.get("end")
        if start and end and end < start:
            raise DomainError(
                "people.period_order", _("The end of a period cannot be before its start.")
            )
        today = timezone.localdate()  # China Standard Time, as the dates are meant
        if start and start > today:
            raise DomainError(
                "people.period_future", _("A work period cannot start in the future.")
            )
    if (
        model is KeyProject
        and fields.get("end_year")
        and fields.get("start_year")
        and fields["end_year"] < fields["start_year"]
    ):
        raise DomainError("people.years_order", _("The end year cannot be before the start year."))


@transaction.atomic
def do_save_record(
    *,
    acting_user: User,
    person_id: int,
    kind: str,
    fields: dict[str, Any],
    record_id: int | None = None,
) -> PersonRecord:
    """Add a row to a person's record (or change one, with `record_id`)."""
    person = _lock_editable(person_id, acting_user)
    model = RECORD_MODELS[kind]
    _clean_record(model, fields)
    if record_id is None:
        row = model(person=person, **fields)
        row.save(force_insert=True)
        action = "person.record_added"
    else:
        row = model._default_manager.get(pk=record_id, person=person)
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        action = "person.record_changed"
    record_event(
        action,
        actor=acting_user,
        obj=person,
        summary={
            "kind": kind,
            "row": row.pk,
            "after": {k: mask_numbers_in(str(v)) for k, v in fields.items()},
        },
    )
    return row


@transaction.atomic
def do_delete_record(*, acting_user: User, person_id: int, kind: str, record_id: int) -> None:
    person = _lock_editable(person_id, acting_user)
    model = RECORD_MODELS[kind]
    row = model._default_manager.get(pk=record_id, person=person)
    summary = {"kind": kind, "row": row.pk, "before": mask_numbers_in(str(row))}
    row.delete()
    record_event("person.record_deleted", actor=acting_user, obj=person, summary=summary)


@transaction.atomic
def do_delete_attachment(*, acting_user: User, person_id: int, attachment_id: int) -> None:
    """Delete an upload that no nomination uses as evidence; the file goes after commit."""
    from django.core.files.storage import default_storage

    person = _lock_editable(person_id, acting_user)
    attachment = Attachment.objects.get(pk=attachment_id, person=person)
    if attachment.evidence.exists():
        raise DomainError(
            "people.attachment_in_use",
            _("This file is evidence in a nomination; remove it from the nomination first."),
        )
    path = attachment.file.name
    summary = {"attachment": attachment.pk, "name": mask_numbers_in(attachment.original_name)}
    attachment.delete()
    record_event("person.attachment_deleted", actor=acting_user, obj=person, summary=summary)
    transaction.on_commit(lambda: default_storage.delete(path))


def do_upload_attachment(
    *,
    acting_user: User,
    person_id: int,
    name: str,
    stream: IO[bytes],
    size: int,
    description: str = "",
) -> Attachment:
    """Check and store an upload under a server-generated name.

    The file is written before the row; if anything fails afterwards the file is deleted
    again, so a refused or rolled-back upload leaves nothing behind.
    """
    from django.core.files.storage import default_storage

    stored: str | None = None
    try:
        with transaction.atomic():
            person = _lock_editable(person_id, acting_user)
            checked = check_upload(name, stream, size)
            attachment = Attachment(
                person=person,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                description=description.strip()[:200],
                uploaded_by=acting_user,
            )
            attachment.file.save(f"upload{checked.extension}", File(stream), save=False)
            stored = attachment.file.name
            attachment.save(force_insert=True)
            record_event(
                "person.attachment_uploaded",
                actor=acting_user,
                obj=person,
                summary={
                    "attachment": attachment.pk,
                    "name": mask_numbers_in(checked.original_name),
                    "size": checked.size,
                    "sha256": checked.sha256,
                },
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return attachment
