from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0004_copy_listing_vectors"),
    ]

    operations = [
        migrations.DeleteModel(name="ListingRemoval"),
        migrations.DeleteModel(name="ListingVector"),
    ]
