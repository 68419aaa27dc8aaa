"""The full-text index of the search document, made here rather than after every migrate."""

from django.db import migrations

from karvan.core.search import CreateFulltextIndex


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0005_move_attachments_to_private_storage")]

    operations = [CreateFulltextIndex("opportunities_opportunity", "search_document")]
