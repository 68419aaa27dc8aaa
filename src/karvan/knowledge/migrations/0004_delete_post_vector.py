from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0003_copy_post_vectors"),
    ]

    operations = [
        migrations.DeleteModel(name="PostVector"),
    ]
