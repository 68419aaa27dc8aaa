"""The full-text index of the search document, made here rather than after every migrate."""

from django.db import migrations

from karvan.core.search import CreateFulltextIndex


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_logo_public_storage")]

    operations = [CreateFulltextIndex("directory_organisation", "search_document")]
