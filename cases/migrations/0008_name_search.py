"""A trigram index on people's names: the review queue searches "any part of a name" with
ILIKE '%...%', which a btree cannot serve; without it every search scans every person."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_packets")]

    operations = [
        TrigramExtension(),
        migrations.RunSQL(
            "CREATE INDEX person_name_trgm ON cases_person USING gin (UPPER(name::text) gin_trgm_ops)",
            reverse_sql="DROP INDEX person_name_trgm",
        ),
    ]
