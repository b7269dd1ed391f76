from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feeds", "0008_alter_feeddocument_purpose"),
    ]

    operations = [
        migrations.AddField(
            model_name="feed",
            name="batch_started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
