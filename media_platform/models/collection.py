import uuid

from django.db import models


class Collection(models.Model):
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    library = models.ForeignKey("media_platform.Library", on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["library", "name"])]

    def __str__(self) -> str:
        return self.name
