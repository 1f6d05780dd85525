"""Thin views of the ledger: read through selectors, write through services."""

import re
from decimal import Decimal
from functools import partial
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.accounts.http import AuthedRequest, deny_unless
from jiuzhu.accounts.scoping import get_scoped_or_404
from jiuzhu.approvals import review
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.core.tables import MAX_BYTES
from jiuzhu.core.views import client_ip, problem_messages
from jiuzhu.domain.identity import mask
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.money import MoneyError, format_yuan, parse_amount
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose
from jiuzhu.funds.models import ClassificationCode
from jiuzhu.regions.models import Region

from . import selectors, services
from .models import IMPORT_STATES, REGISTRATION_STATES, ImportBatch, ImportStatus, Movement, Registration
from .payout_export import do_export_payouts

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
    """指标管理: what each region received and registered, each appropriation's derived balance (approved
    registrations and batches only), and the registrations waiting for a checker, with the checker's buttons."""
    report = selectors.cached_ledger_report(request.user)
    own = _own_region(request).mof_div_code
    may_register = request.user.can("ledger.register")
    for reg in report["regions"]:
        for key in ("received", "registered", "unregistered", "paid", "paid_out", "balance"):
            reg[key + "_text"] = _yuan(reg[key])
        for line in reg["appropriations"]:
            for key in ("registered", "paid", "paid_out", "balance"):
                line[key + "_text"] = _yuan(line[key])
        for receipt in reg["receipts"]:
            receipt["amount_text"] = _yuan(receipt["amount"])
            status = receipt["registration_status"]
            receipt["shown"] = REGISTRATION_STATES.show(status) if status != "none" else None
            receipt["can_register"] = (
                receipt["registration_status"] in ("none", Registration.RETURNED)
                and may_register
                and reg["mof_div_code"] == own
            )
    pending = [
        {
            "r": r,
            "amount_text": format_yuan(r.movement.amount),
            "lines": [
                (
                    x.appropriation.exp_func_code,
                    PURPOSE_LABELS[Purpose(x.appropriation.purpose)],
                    format_yuan(x.amount),
                )
                for x in r.lines.select_related("appropriation").order_by("id")
            ],
            "review": review.panel(r, request.user),
        }
        for r in selectors.pending_registrations(request.user)[:50]
    ]
    return render(request, "ledger/home.html", {"report": report, "pending": pending})


def register(request: AuthedRequest, pk: int) -> HttpResponse:
    """The receiving region's 经办 registers a receipt, or corrects a returned registration and submits it again.

    A foreign receipt is 404; one the user may see but not register (another role, or an area above the
    receiving region) is 403.
    """
    movement = get_scoped_or_404(Movement.objects.select_related("region", "fund"), request.user, pk=pk)
    deny_unless(request.user, "ledger.register")
    if movement.region_id != request.user.region_id:
        raise PermissionDenied("只有接收地区本级可以登记该指标")
    previous = Registration.objects.filter(movement=movement).first()
    if previous is not None and previous.status != Registration.RETURNED:
        messages.info(
            request,
            "该笔指标已登记" + ("，正在等待审核" if previous.status == Registration.SUBMITTED else ""),
        )
        return redirect("ledger:home")
    fund = movement.fund
    codes = ClassificationCode.objects.filter(fiscal_year=fund.fiscal_year, code__in=fund.expenditure_codes)
    problems: list[Problem] = []
    doc_no, rows = _prefill(previous)
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
                messages.success(
                    request, "已登记，等待审核人员审核" if previous is None else "已更正并重新提交审核"
                )
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
            "returned": previous,
        },
    )


def _prefill(previous: Registration | None) -> tuple[str, list[dict[str, str]]]:
    """The form's first values: empty, or the returned registration's own, to be corrected."""
    rows = [{"code": "", "purpose": "", "amount": ""} for _ in range(LINES)]
    if previous is None:
        return "", rows
    for index, line in enumerate(previous.lines.select_related("appropriation").order_by("id")[:LINES]):
        rows[index] = {
            "code": line.appropriation.exp_func_code,
            "purpose": line.appropriation.purpose,
            "amount": str(abs(line.amount)),
        }
    return previous.cor_bgt_doc_no, rows


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
    services.fail_stalled(selectors.visible_batches(request.user))  # a dead worker's batch shows as failed
    approved = selectors.approved_payout_batches(request.user)
    shown = selectors.chosen_batch(approved, request.GET.get("batch"))
    page: Any = Paginator(selectors.BatchPage(shown), 50).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    batch_page = Paginator(
        selectors.visible_batches(request.user).order_by("-created_at", "-id"), 15
    ).get_page(request.GET.get("imports"))
    rows = [
        {"d": d, "iden": mask(d.iden_no), "purpose": PURPOSE_LABELS[Purpose(d.purpose)]}
        for d in page.object_list
    ]
    return render(
        request,
        "ledger/payouts.html",
        {
            "batches": _batch_views(batch_page.object_list),
            "batch_page": batch_page,
            "pending": [
                {
                    "b": b,
                    "amount_text": _amount_text(b),
                    "review": review.panel(b, request.user),
                    "confirm": f"确认审核通过“{b.filename}”？共{b.rows_stored}行，合计{_amount_text(b)}元。"
                    "建议先点“查看内容”核对。",
                }
                for b in selectors.pending_batches(request.user)[:50]
            ],
            "payments": selectors.counted_payments(request.user).order_by("-xpay_date", "-id")[:30],
            "rows": rows,
            "page": page,
            "shown": shown,
            "approved": approved[:30],
            "can_import": request.user.can("ledger.import"),
            "kinds": ImportBatch.KINDS,
        },
    )


def _batch_views(batches: object) -> list[dict[str, object]]:
    now = timezone.now()
    return [{"b": b, "stalled": selectors.is_stalled(b, now), "percent": _percent(b)} for b in batches]  # type: ignore[attr-defined]


def _amount_text(batch: ImportBatch) -> str:
    return format_yuan(batch.amount) if batch.amount is not None else ""


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
        # a small file is imported now, a large one by the background worker; a workbook is parsed first in a
        # limited child process either way, never in the serving process alone
        inline = len(data) <= INLINE_BYTES
        start = partial(services.do_import_file, bounded=True) if inline else services.do_queue_import
        outcome = start(
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
        problem_messages(request, exc)
        return redirect("ledger:payouts")
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("ledger:payouts")
    messages.success(
        request, outcome.message if outcome.batch.status == ImportBatch.DONE else "已排队，正在后台导入"
    )
    return redirect("ledger:batch", pk=outcome.batch.pk)


def batch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    from .preview import preview

    batch = get_scoped_or_404(ImportBatch.objects.select_related("region"), request.user, pk=pk)
    if selectors.is_stalled(batch) and services.fail_stalled(ImportBatch.objects.filter(pk=batch.pk)):
        batch.refresh_from_db()
    return render(
        request,
        "ledger/batch.html",
        {
            "b": batch,
            "preview": preview(batch) if batch.status == ImportBatch.DONE else None,
            "diff_labels": [("added", "新增"), ("removed", "减少"), ("changed", "金额变化")],
            "amount_text": _amount_text(batch),
            "review": review.panel(batch, request.user),
            "stalled": selectors.is_stalled(batch),
            "percent": _percent(batch),
            "active": batch.status in (ImportBatch.QUEUED, ImportBatch.RUNNING)
            and not selectors.is_stalled(batch),
            "can_retry": request.user.can("ledger.import")
            and IMPORT_STATES.allowed(batch.status, ImportStatus.QUEUED)
            and (batch.status != ImportStatus.RUNNING or selectors.is_stalled(batch)),
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


YEAR_MONTH = re.compile(r"^\s*(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*月?\s*$")


def year_month(text: str) -> tuple[int, str] | None:
    """2022-12, 2022/12, 2022.12, 2022年12月 → (2022, "12"); anything else None."""
    found = YEAR_MONTH.match(text)
    if found is None or not 1 <= int(found[2]) <= 12:
        return None
    return int(found[1]), f"{int(found[2]):02d}"


def export_month(request: AuthedRequest) -> HttpResponse:
    """The month's payouts of the user's own region in the monitoring system's template (IDs masked unless the
    user sends the file to the monitoring system; the export is audited: see ``payout_export``)."""
    parsed = year_month(request.GET.get("month", ""))
    if parsed is None:
        messages.error(request, "请填写要导出的年月，如 2022-12、2022/12 或 2022年12月")
        return redirect("ledger:payouts")
    fiscal_year, pay_month = parsed
    region = _own_region(request)
    export = do_export_payouts(
        actor=request.user, region=region, fiscal_year=fiscal_year, month=pay_month, ip=client_ip(request)
    )
    response = HttpResponse(
        export.content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"{region.short_name}-{fiscal_year}-{pay_month}-到人到户发放明细.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def search(request: AuthedRequest) -> HttpResponse:
    """查询 by 证件号码 (the full number), name, voucher number or 文号; IDs are shown masked."""
    from . import search as finder

    deny_unless(request.user, "ledger.view")
    data = (
        request.POST if request.method == "POST" else request.GET
    )  # POST: a 证件号码 stays out of URLs and logs
    raw = data.get("q", "")
    query = finder.Query.parse(raw) if raw.strip() else None
    after_text = data.get("after", "")
    after = int(after_text) if after_text.isdigit() else None
    found = finder.payouts(request.user, query, after=after) if query else []
    more = len(found) > finder.PAGE
    shown = found[: finder.PAGE]
    rows = [
        {
            "d": d,
            "iden": mask(d.iden_no),
            "month": finder.month_text(d.fiscal_year, d.pay_month),
            "purpose": PURPOSE_LABELS[Purpose(d.purpose)],
            "amount": format_yuan(d.xpay_amt),
        }
        for d in shown
    ]
    return render(
        request,
        "ledger/search.html",
        {
            "q": raw,
            "query": query,
            "shown_text": (mask(query.text) if query.kind == "id" else query.text) if query else "",
            "rows": rows,
            "next_after": shown[-1].pk if more else None,
            "first_page": after is None,
            "vouchers": finder.vouchers(request.user, query)[:50] if query else [],
            "documents": finder.documents(request.user, query) if query else {},
        },
    )
