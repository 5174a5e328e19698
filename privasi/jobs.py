from django.utils import timezone

from kis_portal import xlsx
from kis_portal.audit.selectors import audit_events
from kis_portal.jobs.registry import job_handler

HEADERS = ["Waktu", "Oleh", "Tindakan", "Objek", "Status lama", "Status baru", "Alasan"]


@job_handler("audit_export", label="Ekspor jejak audit (XLSX)")
def export_audit(ctx, *, q: str = "", action: str = "") -> None:
    qs = audit_events(q=q, action=action)
    total = qs.count()
    ctx.progress(0, total)
    wb = xlsx.new_workbook()

    def rows():
        for index, event in enumerate(qs.iterator(chunk_size=2000), start=1):
            if index % 2000 == 0:
                ctx.progress(index, total)
            yield [
                timezone.localtime(event.created_at).replace(tzinfo=None),
                event.actor.username if event.actor else "sistem",
                event.get_action_display(),
                event.object_repr,
                event.from_status,
                event.to_status,
                event.reason,
            ]

    count = xlsx.write_sheet(
        wb, "Jejak audit", HEADERS, rows(), widths=[18, 14, 26, 40, 14, 14, 40]
    )
    ctx.progress(count, total)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    ctx.save_result(
        f"jejak-audit-{stamp}.xlsx", xlsx.to_bytes(wb), f"{count} baris diekspor."
    )
