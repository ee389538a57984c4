from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("media_platform", "0004_library_auto_captions"),
    ]

    operations = [
        migrations.AddField(
            model_name="encodingoutput",
            name="vmaf",
            field=models.FloatField(
                blank=True, help_text="VMAF achieved (0-100), for outputs encoded to a VMAF target", null=True
            ),
        ),
    ]
