"""Login-related pages and the administrator's user pages (create, edit, disable, re-scope, unlock)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.core.views import client_ip

from . import services
from .http import AuthedRequest, permission_required
from .models import User
from .roles import DEPARTMENT_LABELS, ROLE_LABELS
from .scoping import get_scoped_or_404, regions_for, scoped


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' lockout answer, in Chinese (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_change_own_password(
                actor=request.user, new_password=form.cleaned_data["new_password1"], ip=client_ip(request)
            )
        except InvalidInput as exc:
            for problem in exc.problems:
                form.add_error(None, problem.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改")
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


@permission_required("accounts.admin")
def admin_home(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/admin_home.html",
        {
            "user_count": scoped(User.objects.all(), request.user).count(),
        },
    )


@permission_required("users.manage")
def user_list(request: AuthedRequest) -> HttpResponse:
    users = scoped(User.objects.select_related("region"), request.user).order_by("region__path", "username")
    locked = {u.pk for u in users if services.is_locked(u)}
    return render(request, "accounts/users.html", {"users": users, "locked": locked})


def _form_context(request: AuthedRequest, **extra: Any) -> dict[str, Any]:
    return {
        "regions": regions_for(request.user),
        "departments": [(d.value, label) for d, label in DEPARTMENT_LABELS.items()],
        "roles": [(r.value, label) for r, label in ROLE_LABELS.items()],
        **extra,
    }


def _typed(data: Any) -> dict[str, Any]:
    """What the administrator typed, to show again after an error (every field, not only the text boxes)."""
    keys = ("username", "display_name", "region", "department", "role")
    return {**{k: data.get(k, "") for k in keys}, "is_active": data.get("is_active") == "on"}


def _stored(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "region": str(user.region_id or ""),
        "department": user.department,
        "role": user.role,
        "is_active": user.is_active,
    }


def _problems(request: AuthedRequest, exc: Exception) -> None:
    if isinstance(exc, InvalidInput):
        for problem in exc.problems:
            messages.error(request, str(problem))
    else:
        messages.error(request, str(exc))


@permission_required("users.manage")
def user_create(request: AuthedRequest) -> HttpResponse:
    data = request.POST
    if request.method == "POST":
        region = regions_for(request.user).filter(pk=data.get("region") or 0).first()
        if region is None:
            messages.error(request, "请选择您管辖范围内的地区")
        else:
            try:
                user = services.do_create_user(
                    actor=request.user,
                    username=data.get("username", ""),
                    display_name=data.get("display_name", ""),
                    region=region,
                    department=data.get("department", ""),
                    role=data.get("role", ""),
                    password=data.get("password", ""),
                    ip=client_ip(request),
                )
                messages.success(request, f"已创建用户 {user.username}")
                return redirect("accounts:users")
            except (InvalidInput, ActionRefused) as exc:
                _problems(request, exc)
    return render(request, "accounts/user_form.html", _form_context(request, target=None, v=_typed(data)))


@permission_required("users.manage")
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    target = get_scoped_or_404(User.objects.select_related("region"), request.user, pk=pk)
    if request.method == "POST":
        data = request.POST
        region = regions_for(request.user).filter(pk=data.get("region") or 0).first()
        if region is None:
            messages.error(request, "请选择您管辖范围内的地区")
        else:
            try:
                services.do_update_user(
                    actor=request.user,
                    user=target,
                    display_name=data.get("display_name", ""),
                    region=region,
                    department=data.get("department", ""),
                    role=data.get("role", ""),
                    is_active=data.get("is_active") == "on",
                    ip=client_ip(request),
                )
                messages.success(request, f"已保存用户 {target.username}")
                return redirect("accounts:users")
            except (InvalidInput, ActionRefused) as exc:
                _problems(request, exc)
    return render(
        request,
        "accounts/user_form.html",
        _form_context(
            request,
            target=target,
            locked=services.is_locked(target),
            v=_typed(request.POST) if request.method == "POST" else _stored(target),
        ),
    )


@require_POST
@permission_required("users.manage")
def user_password(request: AuthedRequest, pk: int) -> HttpResponse:
    target = get_scoped_or_404(User.objects.select_related("region"), request.user, pk=pk)
    try:
        services.do_reset_password(
            actor=request.user, user=target, password=request.POST.get("password", ""), ip=client_ip(request)
        )
        messages.success(request, f"已重置 {target.username} 的密码")
    except (InvalidInput, ActionRefused) as exc:
        _problems(request, exc)
    return redirect("accounts:user_edit", pk=target.pk)


@require_POST
@permission_required("users.manage")
def user_unlock(request: AuthedRequest, pk: int) -> HttpResponse:
    target = get_scoped_or_404(User.objects.select_related("region"), request.user, pk=pk)
    try:
        services.do_unlock_user(actor=request.user, user=target, ip=client_ip(request))
        messages.success(request, f"已解除 {target.username} 的锁定")
    except ActionRefused as exc:
        _problems(request, exc)
    return redirect("accounts:user_edit", pk=target.pk)
