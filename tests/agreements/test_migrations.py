"""The shipped agreement templates come from a data migration that may run again."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from karvan.agreements.models import AgreementTemplate

pytestmark = pytest.mark.django_db

MIGRATION = import_module("karvan.agreements.migrations.0006_load_agreement_templates")


def test_the_migration_installed_every_shipped_template():
    assert set(AgreementTemplate.objects.values_list("key", flat=True)) >= {"mou", "nda"}
    assert AgreementTemplate.objects.get(key="mou").placeholders


def test_running_it_again_restores_a_missing_template_and_keeps_staff_edits():
    count = AgreementTemplate.objects.count()
    AgreementTemplate.objects.filter(key="nda").delete()
    AgreementTemplate.objects.filter(key="mou").update(title={"en": "Our own MoU"})
    editor = SimpleNamespace(connection=connection)  # all forwards reads of a schema editor
    MIGRATION.forwards(apps, editor)
    MIGRATION.forwards(apps, editor)
    assert AgreementTemplate.objects.count() == count
    assert AgreementTemplate.objects.filter(key="nda").exists()
    assert AgreementTemplate.objects.get(key="mou").title == {"en": "Our own MoU"}
