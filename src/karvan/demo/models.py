from django.contrib.contenttypes.models import ContentType
from django.db import models


class DemoRecord(models.Model):
    """The row a key of the demo scenario became: loading it again updates, never copies."""

    key = models.CharField(max_length=120, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return self.key
