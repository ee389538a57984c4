from media_platform.services.pipeline import encoding_reconcile
from media_platform.storage import delete_prefix as storage_delete_prefix
from media_platform.storage import storage


def delete_prefix(prefix: str) -> int:
    return storage_delete_prefix(prefix)


def delete_prefixes(prefixes: list[str]) -> int:
    return sum(storage_delete_prefix(prefix) for prefix in prefixes)


def reconcile() -> list[str]:
    return encoding_reconcile()


def delete_file(name: str) -> None:
    storage().delete(name)
