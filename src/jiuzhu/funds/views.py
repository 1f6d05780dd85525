from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuzhu.accounts.http import AuthedRequest, deny_unless
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.core.views import client_ip, problem_messages
from jiuzhu.domain.purposes import PURPOSE_LABELS

from . import services
from .models import ClassificationCode, Fund


def reference_home(request: AuthedRequest) -> HttpResponse:
    years = sorted(set(ClassificationCode.objects.values_list("fiscal_year", flat=True)), reverse=True)
    default = years[0] if years else 2022
    wanted = request.GET.get("year", "").strip()
    year = int(wanted) if wanted.isdigit() and len(wanted) == 4 else default
    if wanted and str(year) != wanted:
        messages.error(request, f"年度“{wanted[:20]}”无效，已显示{year}年")
    return render(
        request,
        "funds/reference.html",
        {
            "funds": Fund.objects.select_related("direct_fund_tag").order_by("-fiscal_year"),
            "codes": ClassificationCode.objects.filter(fiscal_year=year),
            "years": years,
            "year": year,
            "purposes": list(PURPOSE_LABELS.items()),
            "kinds": ClassificationCode._meta.get_field("kind").choices,
            "can_manage": services.may_edit_shared(request.user),
        },
    )


@require_POST
def code_save(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "reference.manage")
    data = request.POST
    try:
        year = int(data.get("fiscal_year", "0"))
    except ValueError:
        year = 0
    try:
        obj = services.do_save_code(
            actor=request.user,
            fiscal_year=year,
            code=data.get("code", "").strip(),
            kind=data.get("kind", ""),
            name=data.get("name", ""),
            purpose=data.get("purpose", ""),
            ip=client_ip(request),
        )
        messages.success(request, f"已保存科目 {obj}")
    except ActionRefused as exc:
        messages.error(request, str(exc))
    except InvalidInput as exc:
        problem_messages(request, exc)
    return redirect(f"/reference/?year={year or ''}")
