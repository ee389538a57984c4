"""Model fields the database must not reinterpret."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class JSONTextField(models.TextField):
    """JSON kept as the text it was written as. PostgreSQL's jsonb (what JSONField becomes there)
    re-orders an object's keys, and a body sent to someone else must keep the order its service
    sends. Nothing queries inside these values, so text loses nothing."""

    # What django-stubs gives the model attribute (a TextField's would be str): any JSON value.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        return None if value is None else json.dumps(value, cls=DjangoJSONEncoder)

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))
