"""Every write to users: one transaction, one audit record, keyword-only arguments."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.problems import Problem, Where

from .actions import require, require_within
from .models import User
from .roles import Department, Role

PROFILE_FIELDS = ("display_name", "region", "department", "role", "is_active")


def _profile(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "region": user.region.code if user.region else "",
        "department": user.department,
        "role": user.role,
        "is_active": user.is_active,
    }


def _check_profile(*, department: str, role: str, username: str | None = None) -> list[Problem]:
    problems = []
    if username is not None:
        if not username or len(username) > 150 or not username.replace("_", "").replace(".", "").isalnum():
            problems.append(
                Problem("BAD_USERNAME", "用户名只能包含字母、数字、下划线和点", Where(column="用户名"))
            )
        elif User.objects.filter(username=username).exists():
            problems.append(
                Problem("DUPLICATE_USERNAME", f"用户名“{username}”已存在", Where(column="用户名"))
            )
    if department not in {d.value for d in Department}:
        problems.append(Problem("BAD_DEPARTMENT", "请选择部门", Where(column="部门")))
    if role not in {r.value for r in Role}:
        problems.append(Problem("BAD_ROLE", "请选择角色", Where(column="角色")))
    return problems


def _password_problems(password: str, user: User | None) -> list[Problem]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [Problem("WEAK_PASSWORD", message, Where(column="密码")) for message in exc.messages]
    return []


@transaction.atomic
def do_create_user(
    *,
    actor: User,
    username: str,
    display_name: str,
    region: Any,
    department: str,
    role: str,
    password: str,
    ip: str = "",
) -> User:
    """A new user of the administrator's area."""
    require(actor, "users.manage")
    require_within(actor, region)
    username = username.strip()
    problems = _check_profile(department=department, role=role, username=username)
    problems += _password_problems(password, User(username=username, display_name=display_name))
    if problems:
        raise InvalidInput(problems)
    user = User(
        username=username,
        display_name=display_name.strip(),
        region=region,
        department=department,
        role=role,
        must_change_password=True,  # the administrator chose it: the user replaces it at the first login
    )
    user.set_password(password)
    user.save()
    record(
        actor=actor,
        action=AuditAction.ACCOUNTS_USER_CREATE,
        entity=username,
        region_path=region.path,
        after=_profile(user),
        ip=ip,
    )
    return user


@transaction.atomic
def do_update_user(
    *,
    actor: User,
    user: User,
    display_name: str,
    region: Any,
    department: str,
    role: str,
    is_active: bool,
    ip: str = "",
) -> User:
    """Change a user's name, area (re-scope), department, role, or disable them. Not one's own access."""
    require(actor, "users.manage")
    require_within(actor, user.region)
    require_within(actor, region)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _profile(user)
    if user.pk == actor.pk and (
        region != user.region or role != user.role or department != user.department or not is_active
    ):
        raise ActionRefused("不能修改自己的地区、部门、角色或停用自己，请由另一位管理员操作")
    problems = _check_profile(department=department, role=role)
    if problems:
        raise InvalidInput(problems)
    user.display_name, user.region, user.department, user.role, user.is_active = (
        display_name.strip(),
        region,
        department,
        role,
        is_active,
    )
    user.save(update_fields=list(PROFILE_FIELDS))
    record(
        actor=actor,
        action=AuditAction.ACCOUNTS_USER_UPDATE,
        entity=user.username,
        region_path=region.path,
        before=before,
        after=_profile(user),
        ip=ip,
    )
    return user


@transaction.atomic
def do_reset_password(*, actor: User, user: User, password: str, ip: str = "") -> None:
    """An administrator sets a new password for a user of their area (the password itself is never recorded)."""
    require(actor, "users.manage")
    require_within(actor, user.region)
    problems = _password_problems(password, user)
    if problems:
        raise InvalidInput(problems)
    user.set_password(password)
    # The administrator knows this password: the user must replace it at the next login, so that an administrator
    # cannot go on acting as the makers and checkers they created.
    user.must_change_password = user.pk != actor.pk
    user.save(update_fields=["password", "must_change_password"])
    record(
        actor=actor,
        action=AuditAction.ACCOUNTS_PASSWORD_RESET,
        entity=user.username,
        region_path=user.region.path if user.region else "/",
        after={"must_change_password": user.must_change_password},
        ip=ip,
    )


@transaction.atomic
def do_change_own_password(*, actor: User, new_password: str, ip: str = "") -> None:
    """The user's own change, after the form has checked the old password."""
    problems = _password_problems(new_password, actor)
    if problems:
        raise InvalidInput(problems)
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    record(
        actor=actor,
        action=AuditAction.ACCOUNTS_PASSWORD_CHANGE,
        entity=actor.username,
        region_path=actor.region.path if actor.region else "/",
        ip=ip,
    )


@transaction.atomic
def do_unlock_user(*, actor: User, user: User, ip: str = "") -> int:
    """Lift a lockout after too many wrong passwords; returns how many failure records were cleared."""
    from axes.utils import reset

    require(actor, "users.manage")
    require_within(actor, user.region)
    cleared = int(reset(username=user.username) or 0)
    record(
        actor=actor,
        action=AuditAction.ACCOUNTS_USER_UNLOCK,
        entity=user.username,
        region_path=user.region.path if user.region else "/",
        after={"cleared": cleared},
        ip=ip,
    )
    return cleared


def is_locked(user: User) -> bool:
    from axes.models import AccessAttempt
    from django.conf import settings

    locked: bool = AccessAttempt.objects.filter(
        username=user.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()
    return locked
