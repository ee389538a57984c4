"""Move every stored secret to the current key, so the keys in SECRET_KEY_FALLBACKS (or the later
entries of FIELD_ENCRYPTION_KEY) can be dropped after a rotation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from media_platform.crypto import SecretUnreadable, reencrypt
from media_platform.models import EncodingJob, EncodingProcess, Library, WebhookDelivery
from media_platform.services.pipeline.keys import SEALED


@dataclass
class Rotation:
    rewritten: int = 0
    unreadable: list[str] = field(default_factory=list)  # "<model> <pk>" of rows left as they were


def _location(data: dict | None) -> dict | None:
    """A stored source or destination with its secrets resealed (S3 keys, a URL's request)."""
    if not data:
        return data
    if data.get("kind") == "s3":
        return {**data, "access_key": reencrypt(data.get("access_key") or ""),
                "secret_key": reencrypt(data.get("secret_key") or "")}  # fmt: skip
    if data.get("kind") == "url" and data.get("secret"):
        return {**data, "secret": reencrypt(data["secret"])}
    return data


def _spec(spec: dict) -> dict:
    data = dict(spec)
    for name in ("encryption", "cenc"):
        key = str((data.get(name) or {}).get("key") or "")
        if key.startswith(SEALED):
            data[name] = {**data[name], "key": SEALED + reencrypt(key[len(SEALED) :])}
    return data


# Each table: the fields that hold secrets, and how to reseal each one.
TABLES: list[tuple[type[models.Model], dict[str, Callable[[Any], Any]]]] = [
    (Library, {"webhook_secret_encrypted": reencrypt, "api_key_encrypted": reencrypt}),
    (WebhookDelivery, {"headers_encrypted": reencrypt}),
    (EncodingProcess, {"callback_headers_encrypted": reencrypt, "source": _location, "destination": _location}),
    (EncodingJob, {"destination": _location, "spec": _spec}),
]


def secrets_rotate() -> Rotation:
    """Reseal row by row; a row whose secret no configured key opens is left as it was, named."""
    rotation = Rotation()
    for model, fields in TABLES:
        for row in model._default_manager.only("pk", *fields).iterator(chunk_size=500):
            try:
                values = {name: reseal(getattr(row, name)) for name, reseal in fields.items()}
            except SecretUnreadable:
                rotation.unreadable.append(f"{model.__name__} {row.pk}")
                continue
            changed = {name: value for name, value in values.items() if value != getattr(row, name)}
            if changed:
                with transaction.atomic():
                    model._default_manager.filter(pk=row.pk).update(**changed)
                rotation.rewritten += 1
    return rotation
