"""The models and the migrations agree: a model change without its migration fails here, not on
a server whose schema silently lacks it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # --check exits non-zero when a migration would be made
        pytest.fail(f"makemigrations would write a migration (exit {exc.code}):\n{out.getvalue()}")
