"""Create the three role groups, and make the audit table append-only in the database itself:
a trigger refuses UPDATE and DELETE, so no code path (admin, shell, bug) can rewrite history."""

from __future__ import annotations

from typing import Any

from django.db import migrations

ROLES = ("attorney", "clerk", "administrator")

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION cases_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_auditentry_append_only
    BEFORE UPDATE OR DELETE ON cases_auditentry
    FOR EACH ROW EXECUTE FUNCTION cases_audit_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS cases_auditentry_append_only ON cases_auditentry;
DROP FUNCTION IF EXISTS cases_audit_append_only();
"""


def create_roles(apps: Any, schema_editor: Any) -> None:
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
