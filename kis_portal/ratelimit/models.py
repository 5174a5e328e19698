from django.db import models


class Percobaan(models.Model):
    """One counted attempt, in the database so a limit holds across every process.

    `kunci` is a keyed hash of who tried (an address, an account, a registration
    number) and `item` of what it was about (an NIK): the table holds no personal
    data. Rows older than the longest window are swept on the way.
    """

    scope = models.CharField(max_length=40)
    kunci = models.CharField(max_length=64)
    item = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "percobaan"
        verbose_name_plural = "percobaan"
        indexes = [
            models.Index(
                fields=["scope", "kunci", "created_at"], name="percobaan_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.created_at:%Y-%m-%d %H:%M}"
