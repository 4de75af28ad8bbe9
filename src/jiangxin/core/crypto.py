"""Encryption at rest for personal data (ID numbers, phone numbers).

Values are sealed with AES-256-GCM (`cryptography`). Keys come from the environment
(`JIANGXIN_FIELD_KEYS = "kid:base64key,kid2:base64key"`): the first key seals, every listed key
opens, so keys can be rotated by adding a new first key and running `rotate_field_keys`.
Stored form: ``v1:<kid>:<base64(nonce || ciphertext+tag)>``.

Exact lookup and uniqueness use a keyed blind index (HMAC-SHA256 of the normalised value,
key `JIANGXIN_BLIND_INDEX_KEY`), never the ciphertext, which differs on every write.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "v1"


class SealedValueError(ValueError):
    """A stored value is malformed or fails authentication (tampered, or sealed elsewhere)."""


@dataclass(frozen=True)
class KeyRing:
    current_kid: str
    keys: dict[str, bytes]


def parse_keyring(spec: str) -> KeyRing:
    """Parse ``kid:base64key,...``; the first entry is the key that seals new values."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        kid, sep, b64 = item.partition(":")
        if not sep or not kid or not b64:
            raise ImproperlyConfigured("JIANGXIN_FIELD_KEYS items must look like 'kid:base64key'.")
        if kid in keys:
            raise ImproperlyConfigured(f"Field key {kid!r} is listed twice in JIANGXIN_FIELD_KEYS.")
        try:
            key = base64.b64decode(b64, validate=True)
        except binascii.Error as exc:
            raise ImproperlyConfigured(f"Field key {kid!r} is not valid base64.") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"Field key {kid!r} must be 32 bytes (AES-256).")
        keys[kid] = key
        order.append(kid)
    if not order:
        raise ImproperlyConfigured("JIANGXIN_FIELD_KEYS is empty: personal data cannot be sealed.")
    return KeyRing(current_kid=order[0], keys=keys)


@lru_cache(maxsize=4)
def _keyring(spec: str) -> KeyRing:
    return parse_keyring(spec)


def keyring() -> KeyRing:
    """The configured key ring (parsed once per distinct setting value)."""
    return _keyring(settings.JIANGXIN_FIELD_KEYS)


def seal(plaintext: str, *, ring: KeyRing | None = None) -> str:
    """Encrypt under the current key with a fresh random nonce (so equal values differ)."""
    ring = ring or keyring()
    nonce = os.urandom(12)
    ct = AESGCM(ring.keys[ring.current_kid]).encrypt(nonce, plaintext.encode(), None)
    return f"{PREFIX}:{ring.current_kid}:{base64.b64encode(nonce + ct).decode()}"


def _parts(token: str) -> tuple[str, str, str]:
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1]:
        raise SealedValueError("Unknown sealed-value format.")
    return parts[0], parts[1], parts[2]


def open_sealed(token: str, *, ring: KeyRing | None = None) -> str:
    """Decrypt a stored value with whichever configured key sealed it.

    Raises SealedValueError when the value is malformed or fails authentication, and
    ImproperlyConfigured when the key that sealed it is no longer configured.
    """
    ring = ring or keyring()
    _, kid, b64 = _parts(token)
    try:
        key = ring.keys[kid]
    except KeyError as exc:
        raise ImproperlyConfigured(
            f"No field key {kid!r} configured to open a stored value."
        ) from exc
    try:
        raw = base64.b64decode(b64, validate=True)
        return AESGCM(key).decrypt(raw[:12], raw[12:], None).decode()
    except (binascii.Error, InvalidTag, ValueError) as exc:
        raise SealedValueError("A stored value failed authentication (tampered?).") from exc


def sealed_kid(token: str) -> str:
    """The id of the key that sealed `token`."""
    return _parts(token)[1]


def normalise_for_index(value: str) -> str:
    """NFKC (full-width digits → ASCII), no whitespace at all, upper case."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed HMAC of a normalised value, scoped by purpose so two fields never collide.

    ``" 138 1234 5678"`` and ``"13812345678"`` (or ``…x`` and ``…X``) give the same index.
    """
    key = settings.JIANGXIN_BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("JIANGXIN_BLIND_INDEX_KEY is not set.")
    normalised = normalise_for_index(value)
    mac = hmac.new(key.encode(), f"{purpose}\x00{normalised}".encode(), hashlib.sha256)
    return mac.hexdigest()


class EncryptedTextField(models.TextField):
    """A text field whose value is sealed with AES-GCM in the database.

    Python code sees plaintext; the column holds ``v1:kid:...``. It cannot be filtered on:
    pair it with a blind-index column for lookups (see `blind_index`).
    """

    description = "Text encrypted at rest (AES-256-GCM)"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return open_sealed(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return seal(str(value))


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    """Every EncryptedTextField stored in a table of its own model (for key rotation).

    Proxy and unmanaged models are skipped; an inherited field is reported once, on the model
    whose table holds it.
    """
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        for field in opts.local_concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
