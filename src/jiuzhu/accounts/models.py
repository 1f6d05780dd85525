from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import DEPARTMENT_LABELS, ROLE_LABELS, Department, Role, allowed


class User(AbstractUser):
    """A person of one department (财政/民政/审计) at one region, with one role."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, related_name="users")
    department = models.CharField(
        "部门",
        max_length=16,
        choices=[(d.value, DEPARTMENT_LABELS[d]) for d in Department],
        default="finance",
    )
    role = models.CharField(
        "角色", max_length=16, choices=[(r.value, ROLE_LABELS[r]) for r in Role], default="viewer"
    )
    display_name = models.CharField("姓名", max_length=64, blank=True)
    must_change_password = models.BooleanField(
        "须修改密码",
        default=False,
        help_text="set when an administrator resets the password; cleared by the user's change",
    )

    def can(self, action: str) -> bool:
        return self.is_active and allowed(self.department, self.role, action)

    @property
    def label(self) -> str:
        region = self.region.name if self.region else ""
        return f"{region}{self.get_department_display()}局 · {self.get_role_display()}"
