"""The page where a region's 财政 经办 names the budget units that report appropriations of the region."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuzhu.accounts.http import AuthedRequest, deny_unless
from jiuzhu.core.errors import ActionRefused
from jiuzhu.core.views import client_ip
from jiuzhu.ledger.models import Appropriation
from jiuzhu.regions.models import BudgetUnit, Region

from . import services
from .models import UnitAppropriation


def _own_region(request: AuthedRequest) -> Region:
    deny_unless(request.user, "reports.view")
    refusal = services.fill_refusal(request.user, request.user.region)
    if refusal:
        raise PermissionDenied(refusal)
    assert request.user.region is not None  # fill_refusal refuses a user without a region
    return request.user.region


def units(request: AuthedRequest, typed: dict[str, str] | None = None) -> HttpResponse:
    """预算单位填报的指标: the region's appropriations and the unit (if any) that reports each."""
    region = _own_region(request)
    appropriations = Appropriation.objects.filter(region=region).select_related("fund")
    named = dict(
        UnitAppropriation.objects.filter(appropriation__in=appropriations).values_list(
            "appropriation_id", "unit_id"
        )
    )
    rows = [{"a": a, "unit_id": named.get(a.pk)} for a in appropriations.order_by("-fiscal_year", "purpose")]
    return render(
        request,
        "reports/units.html",
        {
            "region": region,
            "rows": rows,
            "units": BudgetUnit.objects.filter(region=region).order_by("code"),
            "typed": typed or {"code": "", "name": ""},
        },
    )


@require_POST
def add_unit(request: AuthedRequest) -> HttpResponse:
    region = _own_region(request)
    code, name = request.POST.get("code", ""), request.POST.get("name", "")
    try:
        services.do_add_budget_unit(
            actor=request.user, region=region, code=code, name=name, ip=client_ip(request)
        )
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return units(request, typed={"code": code, "name": name})
    messages.success(request, f"已新增预算单位：{name.strip()}")
    return redirect("reports:units")


@require_POST
def assign(request: AuthedRequest) -> HttpResponse:
    region = _own_region(request)
    appropriation = Appropriation.objects.filter(
        region=region, pk=request.POST.get("appropriation") or 0
    ).first()
    if appropriation is None:
        raise Http404("指标不存在")
    code = request.POST.get("unit", "")
    unit = BudgetUnit.objects.filter(region=region, code=code).first() if code else None
    if code and unit is None:
        raise Http404("预算单位不存在")
    try:
        services.do_assign_appropriation(
            actor=request.user, appropriation=appropriation, unit=unit, ip=client_ip(request)
        )
        messages.success(request, f"已指定：{appropriation.bgt_id}由{unit.name if unit else '本地区'}填报")
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("reports:units")
