"""Thin views of the ledger: read through selectors, write through services."""

from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.accounts.scoping import get_scoped_or_404
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.views import client_ip
from jiuzhu.domain.identity import mask
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.money import MoneyError, format_yuan, parse_amount
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose
from jiuzhu.funds.models import ClassificationCode
from jiuzhu.regions.models import Region

from . import selectors, services
from .io.exports import write_payouts_xlsx
from .io.readers import MAX_BYTES
from .models import ImportBatch, Movement

#: Uploads up to this size import within the request; larger ones go to the background queue.
INLINE_BYTES = 2 * 1024 * 1024
LINES = 5


def _yuan(text: str) -> str:
    return format_yuan(Decimal(text))


def _own_region(request: AuthedRequest) -> Region:
    region = request.user.region
    if region is None:
        raise Http404("用户未设置所属地区")
    return region


def home(request: AuthedRequest) -> HttpResponse:
    """指标管理: what each region received and registered, and each appropriation's derived balance."""
    report = selectors.ledger_report(request.user)
    own = _own_region(request).mof_div_code
    for reg in report["regions"]:
        for key in ("received", "registered", "unregistered", "paid", "paid_out", "balance"):
            reg[key + "_text"] = _yuan(reg[key])
        for line in reg["appropriations"]:
            for key in ("registered", "paid", "paid_out", "balance"):
                line[key + "_text"] = _yuan(line[key])
        for receipt in reg["receipts"]:
            receipt["amount_text"] = _yuan(receipt["amount"])
            receipt["can_register"] = (
                not receipt["registered"]
                and request.user.can("ledger.register")
                and reg["mof_div_code"] == own
            )
    return render(request, "ledger/home.html", {"report": report})


def register(request: AuthedRequest, pk: int) -> HttpResponse:
    movement = get_scoped_or_404(Movement.objects.select_related("region", "fund"), request.user, pk=pk)
    fund = movement.fund
    codes = ClassificationCode.objects.filter(fiscal_year=fund.fiscal_year, code__in=fund.expenditure_codes)
    problems: list[Problem] = []
    doc_no = ""
    rows = [{"code": "", "purpose": "", "amount": ""} for _ in range(LINES)]
    if request.method == "POST":
        doc_no = request.POST.get("cor_bgt_doc_no", "")
        rows = [
            {k: request.POST.get(f"{k}_{i}", "").strip() for k in ("code", "purpose", "amount")}
            for i in range(LINES)
        ]
        lines, problems = _lines(rows, negative=movement.amount < 0)
        if not problems:
            try:
                _, warnings = services.do_register_receipt(
                    actor=request.user,
                    movement=movement,
                    cor_bgt_doc_no=doc_no,
                    lines=lines,
                    ip=client_ip(request),
                )
                messages.success(request, "已登记")
                for warning in warnings:
                    messages.warning(request, str(warning))
                return redirect("ledger:home")
            except InvalidInput as exc:
                problems = exc.problems
            except ActionRefused as exc:
                messages.error(request, str(exc))
    return render(
        request,
        "ledger/register.html",
        {
            "movement": movement,
            "amount_text": format_yuan(movement.amount),
            "codes": codes,
            "form": {"cor_bgt_doc_no": doc_no, "lines": rows},
            "purposes": [(p.value, label) for p, label in PURPOSE_LABELS.items()],
            "problems": problems,
        },
    )


def _lines(rows: list[dict[str, str]], *, negative: bool) -> tuple[list[RegistrationLine], list[Problem]]:
    lines, problems = [], []
    for index, row in enumerate(rows, start=1):
        if not any(row.values()):
            continue
        try:
            amount = parse_amount(row["amount"])
            purpose = Purpose(row["purpose"])
        except (MoneyError, ValueError) as exc:
            message = str(exc) if isinstance(exc, MoneyError) else "请选择支出方向"
            problems.append(Problem("BAD_LINE", message, Where(row=index)))
            continue
        lines.append(RegistrationLine(row["code"], purpose, -abs(amount) if negative else amount))
    return lines, problems


def payouts(request: AuthedRequest) -> HttpResponse:
    """支付发放: upload payment and payout files, follow their imports, see vouchers and payouts (IDs masked)."""
    if request.method == "POST":
        return _upload(request)
    page = Paginator(selectors.visible_disbursements(request.user).order_by("-id"), 50).get_page(
        request.GET.get("page")
    )
    rows = [
        {"d": d, "iden": mask(d.iden_no), "purpose": PURPOSE_LABELS[Purpose(d.purpose)]}
        for d in page.object_list
    ]
    return render(
        request,
        "ledger/payouts.html",
        {
            "batches": _batch_views(selectors.visible_batches(request.user)[:15]),
            "payments": selectors.visible_payments(request.user).order_by("-xpay_date", "-id")[:30],
            "rows": rows,
            "page": page,
            "can_import": request.user.can("ledger.import"),
            "kinds": ImportBatch.KINDS,
        },
    )


def _batch_views(batches: object) -> list[dict[str, object]]:
    now = timezone.now()
    return [{"b": b, "stalled": selectors.is_stalled(b, now), "percent": _percent(b)} for b in batches]  # type: ignore[attr-defined]


def _percent(batch: ImportBatch) -> int:
    if batch.status == ImportBatch.DONE:
        return 100
    return int(100 * batch.rows_done / batch.rows_total) if batch.rows_total else 0


def _upload(request: AuthedRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    kind = request.POST.get("kind", "")
    if upload is None or kind not in dict(ImportBatch.KINDS):
        messages.error(request, "请选择导入类型和文件")
        return redirect("ledger:payouts")
    if upload.size is None or upload.size > MAX_BYTES:
        messages.error(request, "文件过大")
        return redirect("ledger:payouts")
    data = upload.read()
    region = _own_region(request)
    try:
        if len(data) <= INLINE_BYTES:
            outcome = services.do_import_file(
                actor=request.user,
                kind=kind,
                region=region,
                data=data,
                filename=upload.name or "upload",
                ip=client_ip(request),
            )
        else:
            outcome = services.do_queue_import(
                actor=request.user,
                kind=kind,
                region=region,
                data=data,
                filename=upload.name or "upload",
                ip=client_ip(request),
            )
    except services.ImportRejected as exc:
        messages.error(request, f"文件有{len(exc.problems)}个问题，未导入任何数据")
        return redirect("ledger:batch", pk=exc.batch.pk)
    except InvalidInput as exc:  # unreadable before a batch existed
        for problem in exc.problems:
            messages.error(request, str(problem))
        return redirect("ledger:payouts")
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("ledger:payouts")
    messages.success(
        request, outcome.message if outcome.batch.status == ImportBatch.DONE else "已排队，正在后台导入"
    )
    return redirect("ledger:batch", pk=outcome.batch.pk)


def batch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = get_scoped_or_404(ImportBatch.objects.select_related("region"), request.user, pk=pk)
    return render(
        request,
        "ledger/batch.html",
        {
            "b": batch,
            "stalled": selectors.is_stalled(batch),
            "percent": _percent(batch),
            "active": batch.status in (ImportBatch.QUEUED, ImportBatch.RUNNING)
            and not selectors.is_stalled(batch),
            "can_retry": request.user.can("ledger.import")
            and (batch.status == ImportBatch.FAILED or selectors.is_stalled(batch)),
        },
    )


@require_POST
def batch_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = get_scoped_or_404(ImportBatch.objects.select_related("region"), request.user, pk=pk)
    try:
        services.do_retry_import(actor=request.user, batch=batch, ip=client_ip(request))
        messages.success(request, "已重新排队")
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("ledger:batch", pk=batch.pk)


def export_month(request: AuthedRequest) -> HttpResponse:
    """The month's payouts of the user's own region in the monitoring system's template."""
    month = request.GET.get("month", "")
    try:
        year, mm = month.split("-")
        fiscal_year, pay_month = int(year), mm.zfill(2)
    except ValueError as exc:
        raise Http404("月份应为 YYYY-MM") from exc
    region = _own_region(request)
    rows = selectors.payouts_for_export(request.user, region=region, fiscal_year=fiscal_year, month=pay_month)
    response = HttpResponse(
        write_payouts_xlsx(rows.values().iterator()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{region.short_name}-{fiscal_year}-{pay_month}-到人到户发放明细.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
