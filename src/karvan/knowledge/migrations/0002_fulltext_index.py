"""The full-text index of the search document, made here rather than after every migrate."""

from django.db import migrations

from karvan.core.search import CreateFulltextIndex


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_questions_answers_moderation")]

    operations = [CreateFulltextIndex("knowledge_question", "search_document")]
