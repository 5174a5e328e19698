from django.conf import settings
from django.db import models
from django.urls import reverse


class Job(models.Model):
    """A long piece of work (export, import, PDF batch) run by the worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Menunggu"
        RUNNING = "running", "Berjalan"
        SUCCEEDED = "succeeded", "Selesai"
        FAILED = "failed", "Gagal"

    kind = models.CharField("jenis", max_length=50)
    label = models.CharField("nama tugas", max_length=200)
    params = models.JSONField("parameter", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs"
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    started_at = models.DateTimeField("mulai", null=True, blank=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField("diproses", default=0)
    progress_total = models.PositiveIntegerField("jumlah", null=True, blank=True)
    message = models.TextField("pesan", blank=True)
    result_file = models.FileField("berkas hasil", upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField("nama berkas hasil", max_length=200, blank=True)
    # Written by the running worker every few seconds (kis_portal.jobs.runner):
    # a running job whose heartbeat stopped lost its worker (killed, host down).
    heartbeat_at = models.DateTimeField("tanda hidup pekerja", null=True, blank=True)
    retry_of = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retry",
        verbose_name="mengulang tugas",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "tugas latar"
        verbose_name_plural = "tugas latar"
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def retried_by(self) -> "Job | None":
        """The job that started this one again, if any."""
        try:
            return self.retry
        except Job.DoesNotExist:
            return None

    @property
    def can_retry(self) -> bool:
        """A failed job may be started again once (the retry holds its params)."""
        return self.status == self.Status.FAILED and self.retried_by is None

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))
