"""Who reads the dashboard and the reports: every staff role, over the whole regency.

The reports count across every desa, so a desa operator reads none of them (403);
the figures hold no names or numbers of people.
"""

from kis_portal.roles import STAFF_ROLES, has_role

READERS = tuple(STAFF_ROLES)


def can_read_reports(user) -> bool:
    return has_role(user, *READERS)
