"""An index on when usages ended, for the overview's month so far (reports.figures.monthly)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0008_open_usage_order_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='event',
            index=models.Index(condition=models.Q(('ended_at__isnull', False), ('kind__in', ['rental', 'subscription'])), fields=['ended_at'], name='event_closed_usage_end_idx'),
        ),
    ]
