import secrets

from django.conf import settings
from django.db import models

STAGING_DIR = "staging"


def staged_path(instance: "StagedFile", filename: str) -> str:
    # A random name: neither the uploader's name nor the token is ever a path.
    return f"{STAGING_DIR}/{secrets.token_hex(16)}"


class StagedFile(models.Model):
    """An upload held between its preview and its confirmation (or its job).

    Only the hash of the token handed out is stored, so the table alone opens
    nothing. Rows and files past `expires_at` are swept away.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    purpose = models.CharField("keperluan", max_length=40)
    name = models.CharField("nama berkas", max_length=200, blank=True)
    file = models.FileField("berkas", upload_to=staged_path, max_length=200)
    size = models.PositiveBigIntegerField("ukuran")
    created_at = models.DateTimeField("diunggah", auto_now_add=True)
    expires_at = models.DateTimeField("kedaluwarsa", db_index=True)

    class Meta:
        verbose_name = "berkas unggahan sementara"
        verbose_name_plural = "berkas unggahan sementara"

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"

    def read(self) -> bytes | None:
        """The file's bytes, or None when it is gone."""
        try:
            with self.file.open("rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None
