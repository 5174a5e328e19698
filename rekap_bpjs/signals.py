"""Events of the rekap stage that upper layers act on (notifikasi listens).

`nonaktif_found`: BPJS's list of deactivated participants was applied; sent
inside the import's transaction with sender=Nonaktif and `instances`, the new
tasks (each with its desa and member), so the messages commit with the rows.
"""

from django.dispatch import Signal

nonaktif_found = Signal()
