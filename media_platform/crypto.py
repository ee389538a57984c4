"""Secrets that must be read back (webhook signing keys, request S3 credentials): encrypted at
rest with a key derived from SECRET_KEY, or FIELD_ENCRYPTION_KEY when set.

Keys rotate: new values are encrypted with the first key, and every earlier one
(FIELD_ENCRYPTION_KEY's later entries, SECRET_KEY_FALLBACKS) still opens what it sealed. A value
none of them opens is an error, never an empty string: a webhook would go out unsigned, an S3
location would lose its credentials.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret that none of the configured keys decrypts."""


def key_materials() -> tuple[str, ...]:
    """Every key that may have sealed a stored secret, the one that seals new ones first."""
    materials = [*settings.FIELD_ENCRYPTION_KEYS, settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return tuple(dict.fromkeys(material for material in materials if material))


@lru_cache(maxsize=8)
def _fernet(materials: tuple[str, ...]) -> MultiFernet:
    keys = [hashlib.sha256(f"media-platform:{material}".encode()).digest() for material in materials]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(key)) for key in keys])


def encrypt(plain: str) -> str:
    return _fernet(key_materials()).encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str, *, what: str = "a stored secret") -> str:
    """The plain text; SecretUnreadable, naming `what`, when no configured key opens it."""
    if not token:
        return ""
    try:
        return _fernet(key_materials()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            f"{what} cannot be decrypted with SECRET_KEY, SECRET_KEY_FALLBACKS or FIELD_ENCRYPTION_KEY "
            "(was the key changed without keeping the old one as a fallback?)"
        ) from None


def reencrypt(token: str) -> str:
    """The same secret sealed with the current key (SecretUnreadable when no key opens it)."""
    if not token:
        return ""
    try:
        return _fernet(key_materials()).rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("a stored secret cannot be decrypted with any configured key") from None


def hash_key(key: str) -> str:
    """API keys are long random strings: one SHA-256 is enough, and lets us look them up by hash."""
    return hashlib.sha256(key.encode()).hexdigest()


def mask(secret: str | None) -> str:
    """`****abcd`: enough to recognise a key, never enough to use it."""
    if not secret:
        return ""
    return "****" + secret[-4:] if len(secret) > 8 else "****"
