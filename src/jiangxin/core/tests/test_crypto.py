"""Encryption at rest, key rotation, the blind index and the audited reveal of personal data."""

from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from jiangxin.accounts.models import User
from jiangxin.core.actions import do_reveal_personal_data, do_rotate_field_keys
from jiangxin.core.crypto import (
    EncryptedTextField,
    SealedValueError,
    blind_index,
    encrypted_fields,
    keyring,
    open_sealed,
    parse_keyring,
    seal,
    sealed_kid,
)
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from tests.factories import make_user

PHONE = "13812345678"
NEW_KEY = base64.b64encode(b"n" * 32).decode()
OLD_SPEC = settings.JIANGXIN_FIELD_KEYS  # "test1:..."
ROTATED_SPEC = f"new:{NEW_KEY},{OLD_SPEC}"


def raw_phone(user: User) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT phone FROM {User._meta.db_table} WHERE id = %s",  # noqa: S608
            [user.pk],
        )
        return cursor.fetchone()[0]


def write_raw_phone(user: User, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {User._meta.db_table} SET phone = %s WHERE id = %s",  # noqa: S608
            [value, user.pk],
        )


def tamper(token: str) -> str:
    prefix, kid, b64 = token.split(":", 2)
    raw = bytearray(base64.b64decode(b64))
    raw[-1] ^= 0x01
    return f"{prefix}:{kid}:{base64.b64encode(bytes(raw)).decode()}"


# --- Sealing ----------------------------------------------------------------------------------


def test_seal_round_trip_and_format() -> None:
    token = seal(PHONE)
    assert token.startswith("v1:test1:")
    assert PHONE not in token
    assert open_sealed(token) == PHONE
    assert sealed_kid(token) == "test1"
    assert open_sealed(seal("张伟 110105")) == "张伟 110105"


def test_same_value_seals_differently_every_time() -> None:
    assert seal(PHONE) != seal(PHONE)


def test_tampered_value_raises() -> None:
    with pytest.raises(SealedValueError):
        open_sealed(tamper(seal(PHONE)))


@pytest.mark.parametrize("token", ["", "plain", "v2:test1:AAAA", "v1::AAAA", "v1:test1:!!notb64"])
def test_malformed_value_raises(token: str) -> None:
    with pytest.raises(SealedValueError):
        open_sealed(token)


def test_unknown_key_raises_configuration_error() -> None:
    token = seal(PHONE, ring=parse_keyring(f"gone:{NEW_KEY}"))
    with pytest.raises(ImproperlyConfigured):
        open_sealed(token)


def test_value_sealed_with_another_key_of_the_same_name_fails() -> None:
    other = parse_keyring(f"test1:{NEW_KEY}")
    with pytest.raises(SealedValueError):
        open_sealed(seal(PHONE, ring=other))


@pytest.mark.parametrize(
    "spec",
    [
        "",
        " , ",
        "nokey",
        "k:",
        ":" + NEW_KEY,
        "k:not base64!",
        "k:" + base64.b64encode(b"short").decode(),
        f"k:{NEW_KEY},k:{NEW_KEY}",
    ],
)
def test_bad_keyrings_are_refused(spec: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_keyring(spec)


def test_keyring_first_key_seals() -> None:
    ring = parse_keyring(ROTATED_SPEC)
    assert ring.current_kid == "new"
    assert set(ring.keys) == {"new", "test1"}
    with override_settings(JIANGXIN_FIELD_KEYS=ROTATED_SPEC):
        assert keyring().current_kid == "new"
    assert keyring().current_kid == "test1"


def test_user_phone_is_the_encrypted_field() -> None:
    assert (User, User._meta.get_field("phone")) in list(encrypted_fields())
    assert all(isinstance(f, EncryptedTextField) for _m, f in encrypted_fields())


# --- Through the database ---------------------------------------------------------------------


@pytest.mark.django_db
def test_database_round_trip_stores_only_ciphertext() -> None:
    user = make_user(phone=PHONE)
    stored = raw_phone(user)
    assert stored.startswith("v1:")
    assert PHONE not in stored
    assert User.objects.get(pk=user.pk).phone == PHONE


@pytest.mark.django_db
def test_two_writes_of_the_same_value_differ() -> None:
    user = make_user(phone=PHONE)
    first = raw_phone(user)
    user.save(update_fields=["phone"])
    second = raw_phone(user)
    assert first != second
    assert open_sealed(first) == open_sealed(second) == PHONE


@pytest.mark.django_db
def test_empty_value_stays_empty() -> None:
    user = make_user()
    assert raw_phone(user) == ""
    assert User.objects.get(pk=user.pk).phone == ""


@pytest.mark.django_db
def test_tampered_column_raises_on_read() -> None:
    user = make_user(phone=PHONE)
    write_raw_phone(user, tamper(raw_phone(user)))
    with pytest.raises(SealedValueError):
        User.objects.get(pk=user.pk)


# --- Rotation ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_old_rows_still_open_after_a_new_key_is_added() -> None:
    user = make_user(phone=PHONE)
    with override_settings(JIANGXIN_FIELD_KEYS=ROTATED_SPEC):
        assert User.objects.get(pk=user.pk).phone == PHONE
        assert sealed_kid(raw_phone(user)) == "test1"
        other = make_user(phone="13900000000")
        assert sealed_kid(raw_phone(other)) == "new"


@pytest.mark.django_db
def test_rotate_field_keys_command() -> None:
    users = [make_user(phone=f"1380000000{i}") for i in range(3)]
    blank = make_user()
    with override_settings(JIANGXIN_FIELD_KEYS=ROTATED_SPEC):
        current = make_user(phone="13900000000")
        out = StringIO()
        call_command("rotate_field_keys", "--batch-size", "2", stdout=out)
        text = out.getvalue()
        assert "accounts.User.phone: 3 re-sealed, 1 already current, 1 empty" in text
        for i, user in enumerate(users):
            assert sealed_kid(raw_phone(user)) == "new"
            assert User.objects.get(pk=user.pk).phone == f"1380000000{i}"
        assert raw_phone(blank) == ""
        assert User.objects.get(pk=current.pk).phone == "13900000000"

        # Idempotent: a second run finds nothing to do.
        out = StringIO()
        call_command("rotate_field_keys", stdout=out)
        assert "0 re-sealed, 4 already current" in out.getvalue()

    # The old key can now be dropped.
    with override_settings(JIANGXIN_FIELD_KEYS=f"new:{NEW_KEY}"):
        assert sorted(User.objects.exclude(phone="").values_list("phone", flat=True)) == [
            "13800000000",
            "13800000001",
            "13800000002",
            "13900000000",
        ]

    event = AuditEvent.objects.filter(action="crypto.field_keys_rotated").first()
    assert event is not None
    assert event.summary["current_key"] == "new"
    assert event.summary["fields"]["accounts.User.phone"]["resealed"] == 0  # the last run
    assert AuditEvent.objects.filter(action="crypto.field_keys_rotated").count() == 2


@pytest.mark.django_db
def test_rotation_dry_run_writes_nothing() -> None:
    user = make_user(phone=PHONE)
    before = raw_phone(user)
    with override_settings(JIANGXIN_FIELD_KEYS=ROTATED_SPEC):
        out = StringIO()
        call_command("rotate_field_keys", "--dry-run", stdout=out)
    assert "1 re-sealed" in out.getvalue()
    assert raw_phone(user) == before
    assert not AuditEvent.objects.filter(action="crypto.field_keys_rotated").exists()


@pytest.mark.django_db
def test_rotation_reports_tampered_rows_and_rotates_the_rest() -> None:
    good = make_user(phone=PHONE)
    bad = make_user(phone="13900000000")
    tampered = tamper(raw_phone(bad))
    write_raw_phone(bad, tampered)
    with override_settings(JIANGXIN_FIELD_KEYS=ROTATED_SPEC):
        with pytest.raises(CommandError, match=f"pk={bad.pk}"):
            call_command("rotate_field_keys", stdout=StringIO())
        assert sealed_kid(raw_phone(good)) == "new"
    assert raw_phone(bad) == tampered


@pytest.mark.django_db
def test_rotation_never_overwrites_a_concurrent_edit(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The compare-and-swap update leaves a value changed between read and write alone."""
    user = make_user(phone=PHONE)
    import jiangxin.core.actions as actions

    real_open = actions.open_sealed

    def open_and_race(token: str, **kwargs):  # type: ignore[no-untyped-def]
        value = real_open(token, **kwargs)
        # Another request saves a new phone number right after the command read the row.
        User.objects.filter(pk=user.pk).update(phone="13700000000")
        return value

    monkeypatch.setattr(actions, "open_sealed", open_and_race)
    with override_settings(JIANGXIN_FIELD_KEYS=ROTATED_SPEC):
        (result,) = [
            r for r in do_rotate_field_keys(acting_user=None) if r.label == "accounts.User.phone"
        ]
        assert result.changed == 1
        assert result.resealed == 0
        assert User.objects.get(pk=user.pk).phone == "13700000000"


# --- Blind index ------------------------------------------------------------------------------


def test_blind_index() -> None:
    a = blind_index(PHONE, purpose="user.phone")
    assert a == blind_index(PHONE, purpose="user.phone")
    assert len(a) == 64
    assert PHONE not in a
    assert blind_index(" 138 1234 5678\n", purpose="user.phone") == a
    assert blind_index("１３８１２３４５６７８", purpose="user.phone") == a
    assert blind_index("11010519491231002x", purpose="id") == blind_index(
        "11010519491231002X", purpose="id"
    )
    assert blind_index(PHONE, purpose="person.phone") != a
    assert blind_index("13812345679", purpose="user.phone") != a


def test_blind_index_depends_on_the_key() -> None:
    a = blind_index(PHONE, purpose="p")
    with override_settings(JIANGXIN_BLIND_INDEX_KEY="another-key"):
        assert blind_index(PHONE, purpose="p") != a
    with override_settings(JIANGXIN_BLIND_INDEX_KEY=""), pytest.raises(ImproperlyConfigured):
        blind_index(PHONE, purpose="p")


# --- Revealing personal data ------------------------------------------------------------------


@pytest.mark.django_db
def test_reveal_returns_the_value_and_audits_without_it(world) -> None:  # type: ignore[no-untyped-def]
    person = make_user(phone=PHONE)
    officer = world.users["hebei_officer"]
    value = do_reveal_personal_data(
        acting_user=officer, obj=person, field_name="phone", reason="核实联系方式"
    )
    assert value == PHONE
    event = AuditEvent.objects.get(action="personal_data.revealed")
    assert event.actor_id == officer.pk
    assert event.object_type == "accounts.user"
    assert event.object_id == str(person.pk)
    assert event.outcome == AuditEvent.Outcome.SUCCESS
    assert event.summary == {"field": "phone", "reason": "核实联系方式"}
    assert PHONE not in str(event.summary)
    assert "5678" not in str(event.summary)


@pytest.mark.django_db
def test_reveal_reads_the_stored_value(world) -> None:  # type: ignore[no-untyped-def]
    person = make_user(phone=PHONE)
    person.phone = "not saved"
    value = do_reveal_personal_data(
        acting_user=world.users["security_admin"], obj=person, field_name="phone", reason="复核身份"
    )
    assert value == PHONE


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", "ab", "核实"[:1] * 3])
def test_reveal_requires_a_reason(world, reason: str) -> None:  # type: ignore[no-untyped-def]
    person = make_user(phone=PHONE)
    with pytest.raises(DomainError) as info:
        do_reveal_personal_data(
            acting_user=world.users["hebei_officer"], obj=person, field_name="phone", reason=reason
        )
    assert info.value.rule == "personal_data.reason_required"
    assert not AuditEvent.objects.filter(action="personal_data.revealed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["expert", "hebei_clerk", "craftsman", "audit_admin"])
def test_reveal_refused_without_the_right_and_audited(world, role: str) -> None:  # type: ignore[no-untyped-def]
    person = make_user(phone=PHONE)
    with pytest.raises(PermissionDenied) as info:
        do_reveal_personal_data(
            acting_user=world.users[role], obj=person, field_name="phone", reason="just curious"
        )
    assert info.value.rule == "personal_data.reveal"
    event = AuditEvent.objects.get(action="personal_data.revealed")
    assert event.outcome == AuditEvent.Outcome.DENIED
    assert PHONE not in str(event.summary)


@pytest.mark.django_db
def test_reveal_only_encrypted_fields(world) -> None:  # type: ignore[no-untyped-def]
    person = make_user(phone=PHONE)
    with pytest.raises(ValueError, match="not an encrypted"):
        do_reveal_personal_data(
            acting_user=world.users["hebei_officer"],
            obj=person,
            field_name="username",
            reason="核实联系方式",
        )
