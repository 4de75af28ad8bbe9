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
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "v1"


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
        key = base64.b64decode(b64)
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
    return _keyring(settings.JIANGXIN_FIELD_KEYS)


def seal(plaintext: str, *, ring: KeyRing | None = None) -> str:
    ring = ring or keyring()
    nonce = os.urandom(12)
    ct = AESGCM(ring.keys[ring.current_kid]).encrypt(nonce, plaintext.encode(), None)
    return f"{PREFIX}:{ring.current_kid}:{base64.b64encode(nonce + ct).decode()}"


def open_sealed(token: str, *, ring: KeyRing | None = None) -> str:
    ring = ring or keyring()
    prefix, kid, b64 = token.split(":", 2)
    if prefix != PREFIX:
        raise ValueError("Unknown sealed-value format.")
    try:
        key = ring.keys[kid]
    except KeyError as exc:
        raise ImproperlyConfigured(f"No field key {kid!r} configured to open a stored value.") from exc
    raw = base64.b64decode(b64)
    return AESGCM(key).decrypt(raw[:12], raw[12:], None).decode()


def sealed_kid(token: str) -> str:
    return token.split(":", 2)[1]


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed HMAC of a normalised value, scoped by purpose so two fields never collide."""
    key = settings.JIANGXIN_BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("JIANGXIN_BLIND_INDEX_KEY is not set.")
    normalised = value.strip().upper()
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
