"""An index on the upper-cased article number, for looking an article up by its number
in any case (``ArticleQuerySet.get_by_number``: the article page, the list's search box)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_closed_usage_end_index'),
        ('skus', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='article',
            index=models.Index(django.db.models.functions.text.Upper('number'), name='article_number_upper_idx'),
        ),
    ]
