from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_listing_removal"),
    ]

    operations = [
        migrations.CreateModel(
            name="StoredVector",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=40)),
                ("key", models.CharField(max_length=64)),
                ("vector", models.BinaryField()),
                ("model", models.CharField(max_length=200)),
                ("text_hash", models.CharField(blank=True, max_length=64)),
                ("document", models.JSONField(default=dict)),
                ("expires_on", models.DateField(blank=True, null=True)),
                ("is_active", models.BooleanField(default=True)),
                ("indexed_at", models.DateTimeField(db_index=True)),
                ("alerted_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["kind", "indexed_at"], name="matching_vector_catch_up")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "key"), name="matching_vector_kind_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="VectorRemoval",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=40)),
                ("key", models.CharField(max_length=64)),
                ("removed_at", models.DateTimeField(db_index=True)),
            ],
        ),
    ]
