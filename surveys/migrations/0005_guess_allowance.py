"""Token guesses are counted in one row per caller, updated atomically (issue 10, finding 10).

TokenGuess (one row per failed lookup, counted then inserted: parallel requests all passed the
count) gives way to GuessAllowance. Open windows are not carried over: at worst a caller gets a
fresh allowance once. Reversible (the old table comes back empty).
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0004_anonymous_invitations_and_random_response_keys'),
    ]

    operations = [
        migrations.CreateModel(
            name='GuessAllowance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('client_key', models.CharField(max_length=64, unique=True)),
                ('window_start', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('failures', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.DeleteModel(
            name='TokenGuess',
        ),
    ]
