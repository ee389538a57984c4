"""Secrets that must be read back (webhook signing keys, request S3 credentials): encrypted at
rest with a key derived from SECRET_KEY, or FIELD_ENCRYPTION_KEY when set."""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    material = os.environ.get("FIELD_ENCRYPTION_KEY") or settings.SECRET_KEY
    key = base64.urlsafe_b64encode(hashlib.sha256(f"media-platform:{material}".encode()).digest())
    return Fernet(key)


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def hash_key(key: str) -> str:
    """API keys are long random strings: one SHA-256 is enough, and lets us look them up by hash."""
    return hashlib.sha256(key.encode()).hexdigest()


def mask(secret: str | None) -> str:
    """`****abcd`: enough to recognise a key, never enough to use it."""
    if not secret:
        return ""
    return "****" + secret[-4:] if len(secret) > 8 else "****"
