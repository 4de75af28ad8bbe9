"""The people actions: identity from the ID number, duplicates, unions, locks, moves, records."""

from __future__ import annotations

import datetime as dt

import pytest

from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.idnumbers import check_character
from jiangxin.core.models import AuditEvent
from jiangxin.people import actions
from jiangxin.people.models import Person, WorkPeriod
from tests.factories import make_campaign, make_nomination, make_person, valid_id_number

from .conftest import PHONE

pytestmark = pytest.mark.usefixtures("campaign_day")


def _create(world, id_number, **kw):  # type: ignore[no-untyped-def]
    return actions.do_create_person(
        acting_user=kw.pop("user", world.users["hebei_officer"]),
        id_number=id_number,
        name=kw.pop("name", "王师傅"),
        employer_id=kw.pop("employer", world.hebei_enterprise).pk,
        fields=kw or None,
    )


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("13010219780517123", "18 characters"),  # too short
        ("13010219780517123Y", "18 characters"),  # bad last character
        ("130102197802301234", "not a valid date"),  # 30 February
        ("130102203001011234", "in the future"),
        ("990102197805171234", "province code"),
    ],
)
def test_id_number_format_and_birth_date_errors(world, english, number, fragment):
    with pytest.raises(DomainError) as exc:
        _create(world, number)
    assert exc.value.rule == "people.id_number"
    assert fragment in str(exc.value.message)
    assert not Person.objects.exists()


def test_id_number_check_digit_error(world, english):
    good = valid_id_number()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(DomainError) as exc:
        _create(world, wrong)
    assert exc.value.rule == "people.id_number"
    assert "check digit" in str(exc.value.message)


def test_gender_and_birth_date_come_from_the_id_number(world):
    man = _create(world, valid_id_number(birth=dt.date(1978, 5, 17), male=True))
    woman = _create(world, valid_id_number(region="130104", birth=dt.date(1990, 2, 28), male=False))
    assert (man.gender, man.birth_date) == ("male", dt.date(1978, 5, 17))
    assert (woman.gender, woman.birth_date) == ("female", dt.date(1990, 2, 28))


def test_id_number_is_stored_normalised_and_audited_masked(world):
    first17 = "13010219780517201"
    number = first17 + check_character(first17)
    person = _create(world, f" {number.lower()} ")
    person.refresh_from_db()
    assert person.id_number == number.upper()
    event = AuditEvent.objects.get(action="person.created")
    assert number not in str(event.summary)
    assert "130102********" in str(event.summary)


def test_duplicate_id_number_refused_however_typed(world):
    first17 = "13010219780517301"
    number = first17 + check_character(first17)
    _create(world, number)
    for variant in (number, f"{number[:6]} {number[6:]}", number.translate(_FULL_WIDTH)):
        with pytest.raises(DomainError) as exc:
            _create(world, variant, name="另一个人")
        assert exc.value.rule == "people.duplicate_id"
    assert Person.objects.count() == 1


_FULL_WIDTH = {ord("0") + i: 0xFF10 + i for i in range(10)}


def test_union_must_belong_to_the_employer(world):
    from tests.factories import make_org

    other_enterprise = make_org(world.shijiazhuang, "另一家公司", "enterprise")
    other_union = make_org(other_enterprise, "另一家公司工会", "enterprise_union")
    with pytest.raises(DomainError) as exc:
        _create(world, valid_id_number(), union=other_union)
    assert exc.value.rule == "people.union_outside"
    person = _create(world, valid_id_number(), union=world.hebei_union)
    with pytest.raises(DomainError) as exc:
        actions.do_update_person(
            acting_user=world.users["hebei_officer"],
            person_id=person.pk,
            changes={"union": other_union},
        )
    assert exc.value.rule == "people.union_outside"
    person.refresh_from_db()
    assert person.union == world.hebei_union


def test_employer_must_be_an_enterprise_in_scope(world):
    with pytest.raises(PermissionDenied) as exc:
        _create(world, valid_id_number(), employer=world.henan_enterprise)
    assert exc.value.rule == "people.edit_scope"
    with pytest.raises(DomainError) as exc:
        _create(world, valid_id_number(), employer=world.hebei_union)
    assert exc.value.rule == "people.employer_kind"


def test_clerk_of_the_union_keeps_profiles_through_the_union(world):
    """A clerk granted on the enterprise union, not the enterprise: the profile is hung on
    the clerk's union, and cannot be moved off it by the clerk."""
    clerk = world.users["hebei_clerk"]
    person = _create(world, valid_id_number(), user=clerk)
    assert person.union == world.hebei_union
    with pytest.raises(PermissionDenied) as exc:
        actions.do_update_person(acting_user=clerk, person_id=person.pk, changes={"union": None})
    assert exc.value.rule == "people.union_scope"
    person.refresh_from_db()
    assert person.union == world.hebei_union


def test_phone_change_is_indexed_and_never_audited_in_clear(world, hebei_person):
    hebei_person.refresh_from_db()
    assert hebei_person.phone == PHONE and hebei_person.phone_index
    event = AuditEvent.objects.filter(action="person.updated").latest("id")
    assert PHONE not in str(event.summary)
    assert event.summary["after"]["phone"] == "changed"


def test_people_outside_scope_cannot_be_edited(world, hebei_person):
    with pytest.raises(PermissionDenied) as exc:
        actions.do_update_person(
            acting_user=world.users["henan_officer"],
            person_id=hebei_person.pk,
            changes={"position": "车间主任"},
        )
    assert exc.value.rule == "people.edit_scope"
    with pytest.raises(PermissionDenied):
        actions.do_save_record(
            acting_user=world.users["program_officer"],
            person_id=hebei_person.pk,
            kind="honor",
            fields={"title": "x", "level": "national", "year": 2020},
        )


# --- Locks ----------------------------------------------------------------------------------


@pytest.fixture
def locked_person(world):  # type: ignore[no-untyped-def]
    campaign = make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.hebei: 2}
    )
    nomination = make_nomination(
        world.users["hebei_clerk"], campaign, world.hebei_union, world.hebei_enterprise
    )
    assert nomination.status == "submitted"
    return nomination.person


def test_a_locked_profile_refuses_every_edit(world, locked_person):
    from io import BytesIO

    from .conftest import pdf_bytes

    clerk = world.users["hebei_clerk"]
    pid = locked_person.pk
    work = locked_person.work_periods.get()
    data = pdf_bytes()
    attempts = [
        lambda: actions.do_update_person(
            acting_user=clerk, person_id=pid, changes={"position": "班组长"}
        ),
        lambda: actions.do_save_record(
            acting_user=clerk,
            person_id=pid,
            kind="honor",
            fields={"title": "全国五一劳动奖章", "level": "national", "year": 2020},
        ),
        lambda: actions.do_save_record(
            acting_user=clerk,
            person_id=pid,
            kind="work",
            fields={"note": "改"},
            record_id=work.pk,
        ),
        lambda: actions.do_delete_record(
            acting_user=clerk, person_id=pid, kind="work", record_id=work.pk
        ),
        lambda: actions.do_upload_attachment(
            acting_user=clerk, person_id=pid, name="证书.pdf", stream=BytesIO(data), size=len(data)
        ),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as exc:
            attempt()
        assert exc.value.rule == "people.locked"
    assert locked_person.work_periods.get().note == ""
    assert not locked_person.honors.exists() and not locked_person.attachments.exists()


def _upload(user, person, name="证书.pdf", data=None):  # type: ignore[no-untyped-def]
    from io import BytesIO

    from .conftest import pdf_bytes

    data = data if data is not None else pdf_bytes()
    return actions.do_upload_attachment(
        acting_user=user, person_id=person.pk, name=name, stream=BytesIO(data), size=len(data)
    )


def test_files_of_a_locked_profile_and_evidence_cannot_be_deleted(world, hebei_person):
    from jiangxin.nominations import actions as nomination_actions
    from tests.factories import fill_nomination

    clerk = world.users["hebei_clerk"]
    evidence_file = _upload(clerk, hebei_person, "证据.pdf")
    campaign = make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.hebei: 2}
    )
    nomination = nomination_actions.do_start_nomination(
        acting_user=clerk, campaign_id=campaign.pk, nominating_unit_id=world.hebei_union.pk
    )
    nomination = fill_nomination(clerk, nomination, hebei_person)
    nomination_actions.do_add_evidence(
        acting_user=clerk,
        nomination_id=nomination.pk,
        attachment_id=evidence_file.pk,
        dimension_id=None,
    )
    with pytest.raises(DomainError) as exc:
        actions.do_delete_attachment(
            acting_user=clerk, person_id=hebei_person.pk, attachment_id=evidence_file.pk
        )
    assert exc.value.rule == "people.attachment_in_use"
    spare = _upload(clerk, hebei_person, "备用.pdf")
    nomination_actions.do_submit_nomination(acting_user=clerk, nomination_id=nomination.pk)
    with pytest.raises(DomainError) as exc:
        actions.do_delete_attachment(
            acting_user=clerk, person_id=hebei_person.pk, attachment_id=spare.pk
        )
    assert exc.value.rule == "people.locked"
    assert hebei_person.attachments.count() == 2


# --- Moves ----------------------------------------------------------------------------------


def test_move_requires_the_id_number_and_the_name(world, henan_person):
    officer = world.users["hebei_officer"]
    number = henan_person.id_number
    for id_number, name in [
        (number, "李卫"),  # name differs
        (valid_id_number(region="410102"), henan_person.name),  # nobody's number
    ]:
        with pytest.raises(DomainError) as exc:
            actions.do_move_person(
                acting_user=officer,
                id_number=id_number,
                name=name,
                employer_id=world.hebei_enterprise.pk,
            )
        assert exc.value.rule == "people.no_match"
        # The refusal says nothing of where the person works.
        assert world.henan_enterprise.name not in str(exc.value.message)
    henan_person.refresh_from_db()
    assert henan_person.employer == world.henan_enterprise

    moved = actions.do_move_person(
        acting_user=officer,
        id_number=number.lower(),
        name=f" {henan_person.name} ",
        employer_id=world.hebei_enterprise.pk,
    )
    assert moved.employer == world.hebei_enterprise and moved.union is None
    # The record travels with the person.
    assert moved.work_periods.count() == 1
    event = AuditEvent.objects.get(action="person.moved")
    assert event.summary["before"]["employer"] == world.henan_enterprise.pk


def test_move_by_the_union_clerk_hangs_the_person_on_the_union(world, henan_person):
    moved = actions.do_move_person(
        acting_user=world.users["hebei_clerk"],
        id_number=henan_person.id_number,
        name=henan_person.name,
        employer_id=world.hebei_enterprise.pk,
    )
    assert moved.union == world.hebei_union


def test_move_to_an_employer_outside_scope_is_refused(world, hebei_person):
    with pytest.raises(PermissionDenied):
        actions.do_move_person(
            acting_user=world.users["hebei_officer"],
            id_number=hebei_person.id_number,
            name=hebei_person.name,
            employer_id=world.henan_enterprise.pk,
        )


def test_move_of_a_locked_person_is_refused(world, locked_person):
    with pytest.raises(DomainError) as exc:
        actions.do_move_person(
            acting_user=world.users["henan_officer"],
            id_number=locked_person.id_number,
            name=locked_person.name,
            employer_id=world.henan_enterprise.pk,
        )
    assert exc.value.rule == "people.locked"


# --- Records --------------------------------------------------------------------------------


def test_record_rows_are_added_changed_deleted_and_audited(world, hebei_person):
    clerk = world.users["hebei_clerk"]
    row = actions.do_save_record(
        acting_user=clerk,
        person_id=hebei_person.pk,
        kind="contest",
        fields={
            "contest": "全国焊工技能大赛",
            "level": "national",
            "year": 2019,
            "result": "一等奖",
        },
    )
    actions.do_save_record(
        acting_user=clerk,
        person_id=hebei_person.pk,
        kind="contest",
        fields={"result": "金奖"},
        record_id=row.pk,
    )
    row.refresh_from_db()
    assert row.result == "金奖"
    actions.do_delete_record(
        acting_user=clerk, person_id=hebei_person.pk, kind="contest", record_id=row.pk
    )
    assert not hebei_person.contest_results.exists()
    events = AuditEvent.objects.filter(action__startswith="person.record").order_by("id")
    assert list(events.values_list("action", flat=True))[-3:] == [
        "person.record_added",
        "person.record_changed",
        "person.record_deleted",
    ]


def test_a_row_of_another_person_cannot_be_changed(world, hebei_person):
    other = make_person(world.users["hebei_clerk"], world.hebei_enterprise, union=world.hebei_union)
    row = other.work_periods.get()
    with pytest.raises(WorkPeriod.DoesNotExist):
        actions.do_save_record(
            acting_user=world.users["hebei_clerk"],
            person_id=hebei_person.pk,
            kind="work",
            fields={"note": "x"},
            record_id=row.pk,
        )


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"start": dt.date(2020, 1, 1), "end": dt.date(2019, 1, 1)}, "people.period_order"),
        ({"start": dt.date(2030, 1, 1), "end": None}, "people.period_future"),
    ],
)
def test_work_period_dates_are_checked(world, hebei_person, fields, rule):
    with pytest.raises(DomainError) as exc:
        actions.do_save_record(
            acting_user=world.users["hebei_clerk"],
            person_id=hebei_person.pk,
            kind="work",
            fields={"employer_name": "某厂", "position": "钳工", "is_frontline": True, **fields},
        )
    assert exc.value.rule == rule
