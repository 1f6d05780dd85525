from typing import Any, NoReturn

from django.db import models


class AppendOnlyError(Exception):
    """An audit record cannot be changed or removed once written."""


class AuditQuerySet(models.QuerySet["AuditRecord"]):
    """Bulk changes are refused too; on PostgreSQL a trigger refuses them below the ORM as well."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计记录只能追加，不能修改")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("审计记录只能追加，不能删除")


class AuditRecord(models.Model):
    """Append-only, hash-chained: each record carries the hash of the one before it.

    Written only by ``audit.services.record`` inside the transaction of the write it describes.
    """

    created_at = models.DateTimeField("时间")
    actor = models.CharField("操作人", max_length=150)
    """The username (kept as text: the record outlives any change to the user)."""
    region_path = models.CharField("地区", max_length=128, db_index=True)
    """The area the write belongs to; the audit bureau of an area sees the records under its path."""
    action = models.CharField("操作", max_length=64)
    entity = models.CharField("对象", max_length=128)
    before = models.JSONField("变更前", null=True)
    after = models.JSONField("变更后", null=True)
    ip = models.CharField("IP", max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "审计记录"

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.entity}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计记录只能追加，不能删除")
