"""Enqueue RQ jobs by dotted path, after the transaction that made their rows commits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_rq
from django.db import transaction
from rq import Retry

# Environment faults (storage, network, a worker lost) are retried with backoff.
ENVIRONMENT_RETRY = Retry(max=3, interval=[10, 60, 300])


def enqueue(queue: str, func: str, *args: Any, retry: Retry | None = None, **options: Any) -> Any:
    return django_rq.get_queue(queue).enqueue(func, *args, retry=retry, **options)


def enqueue_on_commit(queue: str, func: str, *args: Any, **options: Any) -> None:
    transaction.on_commit(lambda: enqueue(queue, func, *args, **options))


def enqueue_in(seconds: float, queue: str, func: str, *args: Any, **options: Any) -> Any:
    return django_rq.get_queue(queue).enqueue_in(timedelta(seconds=seconds), func, *args, **options)
