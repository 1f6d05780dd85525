"""The checker's two actions on any subject of review, and the administrator's page for approval thresholds
(per area, matter and fund)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuzhu.accounts.http import AuthedRequest, permission_required
from jiuzhu.accounts.scoping import get_scoped_or_404, regions_for, scoped
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.middleware import record_refusal
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.core.views import client_ip, problem_messages
from jiuzhu.domain.money import MoneyError, format_yuan, parse_amount
from jiuzhu.funds.models import Fund
from jiuzhu.regions.models import Region

from . import review, services
from .models import ApprovalRule
from .subjects import SUBJECTS


@permission_required("reference.manage")
def rules(request: AuthedRequest) -> HttpResponse:
    regions = regions_for(request.user)
    if request.method == "POST":
        try:
            services.do_create_rule(
                actor=request.user,
                region=regions.get(pk=request.POST.get("region") or 0),
                subject=request.POST.get("subject", ""),
                fund=Fund.objects.filter(pk=request.POST.get("fund") or 0).first(),
                min_amount=parse_amount(request.POST.get("min_amount", "") or "0", unit="元"),
                approvals_required=int(request.POST.get("approvals_required") or 0),
                ip=client_ip(request),
            )
            messages.success(request, "已添加审批规则")
            return redirect("approvals:rules")
        except InvalidInput as exc:
            problem_messages(request, exc)
        except (MoneyError, ValueError) as exc:
            messages.error(request, f"输入有误：{exc}")
        except ActionRefused as exc:
            messages.error(request, str(exc))
        except Region.DoesNotExist:
            messages.error(request, "请选择您管辖范围内的地区")
    items = [
        {"rule": r, "min_amount": format_yuan(r.min_amount), "subject": SUBJECTS.get(r.subject, r.subject)}
        for r in scoped(ApprovalRule.objects.select_related("region", "fund"), request.user)
    ]
    return render(
        request,
        "approvals/rules.html",
        {
            "rules": items,
            "regions": regions,
            "subjects": list(SUBJECTS.items()),
            "funds": Fund.objects.order_by("-fiscal_year"),
            "subject_labels": SUBJECTS,
        },
    )


@require_POST
@permission_required("reference.manage")
def rule_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = get_scoped_or_404(ApprovalRule.objects.select_related("region", "fund"), request.user, pk=pk)
    try:
        services.do_delete_rule(actor=request.user, rule=rule, ip=client_ip(request))
        messages.success(request, "已删除审批规则")
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("approvals:rules")


def _reviewed(request: AuthedRequest, subject: str, pk: int) -> tuple[review.Subject[Any], Any]:
    """404 for an unknown subject or an object outside the user's area; 403 unless the user may review it."""
    declared = review.subject_named(subject)
    obj = declared.visible(request.user).filter(pk=pk).first() if declared else None
    if declared is None or obj is None:
        raise Http404("记录不存在")
    refusal = declared.refusal(request.user, obj)
    if refusal:
        raise PermissionDenied(refusal)
    return declared, obj


@contextmanager
def _refusal_shown(request: AuthedRequest, declared: review.Subject[Any], obj: Any) -> Iterator[None]:
    """A refused review becomes error messages on the subject's page; a refused action is also audited."""
    try:
        yield
    except InvalidInput as exc:
        problem_messages(request, exc)
    except ActionRefused as exc:
        messages.error(request, str(exc))
        record_refusal(request, AuditAction.ACTION_REFUSED, f"{declared.entity(obj)}：{exc}")


@require_POST
def approve(request: AuthedRequest, subject: str, pk: int) -> HttpResponse:
    declared, obj = _reviewed(request, subject, pk)
    with _refusal_shown(request, declared, obj):
        state = review.approve(obj, request.user, ip=client_ip(request), key=declared.key)
        if state.complete:
            messages.success(request, declared.approved_message)
        else:
            messages.success(
                request,
                f"已审核（{state.count}/{state.required}），还需另外 {state.remaining} 位审核人员审核",
            )
    return redirect(declared.page(obj))


@require_POST
def return_(request: AuthedRequest, subject: str, pk: int) -> HttpResponse:
    declared, obj = _reviewed(request, subject, pk)
    with _refusal_shown(request, declared, obj):
        returned = review.return_(
            obj, request.user, reason=request.POST.get("reason", ""), ip=client_ip(request), key=declared.key
        )
        messages.success(request, declared.returned_message.format(**returned.facts))
    return redirect(declared.page(obj))
