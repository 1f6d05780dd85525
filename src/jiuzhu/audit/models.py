from django.db import models


class AuditRecord(models.Model):
    """Append-only, hash-chained: each record carries the hash of the one before it."""

    created_at = models.DateTimeField("时间")
    actor = models.CharField("操作人", max_length=150)
    region_path = models.CharField("地区", max_length=128, db_index=True)
    action = models.CharField("操作", max_length=64)
    entity = models.CharField("对象", max_length=128)
    before = models.JSONField("变更前", null=True)
    after = models.JSONField("变更后", null=True)
    ip = models.CharField("IP", max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "审计记录"

    def __str__(self) -> str:
        return f"#{self.pk} {self.actor} {self.action} {self.entity}"
