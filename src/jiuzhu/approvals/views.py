"""The administrator's page for approval thresholds (per area, matter and fund)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuzhu.accounts.http import AuthedRequest, permission_required
from jiuzhu.accounts.scoping import get_scoped_or_404, regions_for, scoped
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.core.views import client_ip
from jiuzhu.domain.money import MoneyError, format_yuan, parse_amount
from jiuzhu.funds.models import Fund
from jiuzhu.regions.models import Region

from . import services
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
            for problem in exc.problems:
                messages.error(request, str(problem))
        except (MoneyError, ValueError) as exc:
            messages.error(request, f"输入有误：{exc}")
        except ActionRefused as exc:
            messages.error(request, str(exc))
        except Region.DoesNotExist:
            messages.error(request, "请选择您管辖范围内的地区")
    items = [
        {"rule": r, "min_amount": format_yuan(r.min_amount)}
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
