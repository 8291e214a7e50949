"""Demo users: one per role in two agencies (6ZA, 6ZB) plus state staff in CD.

All share DEMO_PASSWORD, documented in the README. Synthetic people only.
"""

from __future__ import annotations

from accounts.models import Agency, Membership, Role, User

DEMO_PASSWORD = "demo-pass-2026"

# username, first name, last name, [(role, agency code)], staff, superuser
DEMO_USERS: list[tuple[str, str, str, list[tuple[str, str]], bool, bool]] = [
    ("reviewer_6za", "Riley", "Reviewer", [(Role.REVIEWER, "6ZA")], False, False),
    ("reviewer2_6za", "Rowan", "Reviewer", [(Role.REVIEWER, "6ZA")], False, False),  # calibration's second side
    ("qa_6za", "Quinn", "Quality", [(Role.QA_REVIEWER, "6ZA")], False, False),
    ("supervisor_6za", "Sam", "Supervisor", [(Role.SUPERVISOR, "6ZA")], False, False),
    ("viewer_6za", "Val", "Viewer", [(Role.AGENCY_VIEWER, "6ZA")], False, False),
    ("admin_6za", "Ari", "Admin", [(Role.ADMINISTRATOR, "6ZA")], False, False),
    ("reviewer_6zb", "Robin", "Reviewer", [(Role.REVIEWER, "6ZB")], False, False),
    ("qa_6zb", "Quincy", "Quality", [(Role.QA_REVIEWER, "6ZB")], False, False),
    ("supervisor_6zb", "Sasha", "Supervisor", [(Role.SUPERVISOR, "6ZB")], False, False),
    ("viewer_6zb", "Vic", "Viewer", [(Role.AGENCY_VIEWER, "6ZB")], False, False),
    ("state_admin", "Stacy", "Statewide", [(Role.ADMINISTRATOR, "CD")], True, True),
    ("state_supervisor", "Sterling", "Statewide", [(Role.SUPERVISOR, "CD")], False, False),
    # A second Children's Division supervisor: the quarterly report needs a second person to publish.
    ("state_analyst", "Avery", "Analyst", [(Role.SUPERVISOR, "CD")], False, False),
]


def seed(stdout) -> None:
    created = 0
    for username, first, last, memberships, staff, superuser in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_staff": staff,
                "is_superuser": superuser,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
        for role, code in memberships:
            Membership.objects.get_or_create(user=user, agency=Agency.objects.get(code=code), role=role)
    stdout.write(f"accounts: {created} demo users created, {len(DEMO_USERS) - created} already there")


def logins_table() -> str:
    lines = [f"  {'username':<18} {'role':<16} agency   (password for all: {DEMO_PASSWORD})"]
    for username, _first, _last, memberships, _staff, _superuser in DEMO_USERS:
        for role, code in memberships:
            lines.append(f"  {username:<18} {Role(role).label:<16} {code}")
    return "\n".join(lines)
