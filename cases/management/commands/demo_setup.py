"""Demo users (one per role) and a demo upload, for `make run`. Safe to run again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cases.choices import Role
from cases.models import OfficeSettings
from cases.services.classify import classification_run_chunk, classification_start
from cases.services.ingest import upload_ingest
from cases.services.office import office_settings_save
from cases.services.policies import policy_get_current
from cases.services.uploads import upload_receive_path
from clearance.doj.synthetic import generate

DEMO_ROWS = 20_000
DEMO_SEED = 2018
DEMO_COUNTY = "SAN FRANCISCO"
# Demo passwords are printed on start; a real deployment never runs this command.
DEMO_OFFICE = {
    "name": "Office of the District Attorney, City and County of San Francisco (demo)",
    "address": "350 Rhode Island Street, North Building, Suite 400N\nSan Francisco, CA 94103",
    "phone": "(415) 555-0100",
    "email": "prop64@example.org",
    "signing_attorney": "Ada Attorney",
    "bar_number": "123456",
    "county": DEMO_COUNTY,
    "public_defender_name": "Office of the Public Defender, San Francisco (demo)",
    "public_defender_address": "555 Seventh Street\nSan Francisco, CA 94103",
}
DEMO_USERS = (
    ("attorney", Role.ATTORNEY, "Ada", "Attorney"),
    ("clerk", Role.CLERK, "Carl", "Clerk"),
    ("admin", Role.ADMINISTRATOR, "Alex", "Administrator"),
)


class Command(BaseCommand):
    help = "Create demo users (one per role) and load a generated demo DOJ file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=DEMO_ROWS)

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("CLEARANCE_DEMO_PASSWORD", "clearance-demo")
        for username, role, first, last in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(password)
                user.is_staff = role == Role.ADMINISTRATOR
                user.is_superuser = role == Role.ADMINISTRATOR
                user.save()
            user.groups.add(Group.objects.get(name=role))
        admin = User.objects.get(username="admin")
        if not OfficeSettings.objects.filter(pk=1).exists():
            # Fictional letterhead so packets can be built in the demo; an administrator edits it.
            office_settings_save(values=DEMO_OFFICE, user=admin)
        demo = Path(settings.BASE_DIR) / "var" / "demo" / f"doj_demo_{options['rows']}.dat"
        if not demo.exists():
            demo.parent.mkdir(parents=True, exist_ok=True)
            with demo.open("wb") as stream:
                generate(stream, rows=options["rows"], seed=DEMO_SEED, county=DEMO_COUNTY)
        upload, _ = upload_receive_path(path=demo, user=None, county=DEMO_COUNTY)
        upload = upload_ingest(upload_id=upload.pk)
        if not upload.runs.exists():
            run = classification_start(
                upload=upload, policy=policy_get_current(slug="statutory"), as_of=timezone.localdate(), queue=False
            )
            for chunk_id in run.chunks.order_by("index").values_list("id", flat=True):
                classification_run_chunk(chunk_id=chunk_id)
        self.stdout.write(
            f"Demo upload #{upload.pk}: {upload.row_count} rows, {upload.subject_count} people, classified."
        )
        self.stdout.write(f"Demo users (password for each: {password}):")
        for username, role, _first, _last in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role.label}")
