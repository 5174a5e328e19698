from django.db import models


class Heartbeat(models.Model):
    """The last run of one periodic job (or of the worker): started, succeeded, failed.

    Kept in the database, not in a stamp file: every app server answers
    /healthz/detail and `check --deploy` from the same rows, whichever server ran
    the job, and a restore brings them back with the data they describe.
    """

    name = models.CharField("pekerjaan", max_length=50, unique=True)
    last_started_at = models.DateTimeField("terakhir mulai", null=True, blank=True)
    last_success_at = models.DateTimeField("terakhir berhasil", null=True, blank=True)
    last_failure_at = models.DateTimeField("terakhir gagal", null=True, blank=True)
    last_duration = models.DurationField("lama terakhir", null=True, blank=True)
    # What the last run said, for the administrator: never personal data.
    message = models.CharField("pesan", max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "detak pekerjaan berkala"
        verbose_name_plural = "detak pekerjaan berkala"

    def __str__(self) -> str:
        return self.name
