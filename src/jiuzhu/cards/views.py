"""一卡通监管 pages: reference lists, 回访核查 samples and their call sheets, 投诉举报. Thin: reads through
``selectors`` (scoped), writes through ``services``; 证件号码 masked except one audited read at a time."""

import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.accounts.http import AuthedRequest, deny_unless
from jiuzhu.accounts.scoping import get_scoped_or_404, regions_for
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.core.views import client_ip
from jiuzhu.domain.identity import mask
from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose
from jiuzhu.domain.reference_lists import KIND_LABELS, ListKind, template_titles
from jiuzhu.domain.sampling import METHODS, OUTCOME_LABELS, Z_VALUES
from jiuzhu.monitoring.models import Finding
from jiuzhu.regions.models import Region

from . import selectors, services
from .io import MAX_BYTES, call_sheet_xlsx
from .models import Complaint, ReferenceEntry, ReferenceList, Sample, SampleItem

PURPOSES = [(p.value, label) for p, label in PURPOSE_LABELS.items()]


def _purpose(value: str) -> str:
    return PURPOSE_LABELS[Purpose(value)] if value in {p.value for p in Purpose} else "全部"


def _problems(request: AuthedRequest, exc: InvalidInput) -> None:
    for problem in exc.problems[:50]:
        messages.error(request, str(problem))
    if len(exc.problems) > 50:
        messages.error(request, f"另有{len(exc.problems) - 50}处问题")


def _region(request: AuthedRequest) -> Region:
    return get_scoped_or_404(Region.objects.all(), request.user, via="", pk=request.POST.get("region") or 0)


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def index(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "cards.view")
    user = request.user
    return render(
        request,
        "cards/index.html",
        {
            "lists": selectors.lists(user).filter(superseded_at__isnull=True)[:20],
            "samples": selectors.samples(user)[:10],
            "overdue": selectors.overdue(user)[:20],
            "open_complaints": selectors.complaints(user).filter(state=Complaint.OPEN).count(),
            "counties": selectors.county_summaries(user),
        },
    )


# --- reference lists ----------------------------------------------------------------------------------------


def lists(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "cards.view")
    return render(
        request,
        "cards/lists.html",
        {
            "lists": selectors.lists(request.user)[:200],
            "kinds": [(k.value, k.label, "、".join(template_titles(k))) for k in ListKind],
            "regions": regions_for(request.user),
            "can_import": request.user.can("cards.lists"),
            "max_mb": MAX_BYTES // 1024 // 1024,
        },
    )


@require_POST
def import_list(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "cards.lists")
    region = _region(request)
    kind = ListKind(request.POST["kind"]) if request.POST.get("kind") in KIND_LABELS else None
    upload = request.FILES.get("file")
    if kind is None or upload is None:
        messages.error(request, "请选择名单类别和文件")
        return redirect("cards:lists")
    if upload.size is None or upload.size > MAX_BYTES:
        messages.error(request, f"名单文件超过{MAX_BYTES // 1024 // 1024}MB，请分县（市）导入")
        return redirect("cards:lists")
    try:
        listed, new = services.do_import_list(
            actor=request.user,
            region=region,
            kind=kind,
            data=upload.read(),
            filename=upload.name or "",
            ip=client_ip(request),
        )
    except InvalidInput as exc:
        messages.error(request, "名单未导入（有问题的名单整份不导入，请改正后重新上传）：")
        _problems(request, exc)
        return redirect("cards:lists")
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("cards:lists")
    if new:
        messages.success(request, f"已导入{listed}，共{listed.rows}人，比对规则将自动运行")
    else:
        messages.info(request, f"该文件与{listed}相同，未作改动")
    return redirect("cards:list_detail", pk=listed.pk)


def list_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    deny_unless(request.user, "cards.view")
    listed = get_scoped_or_404(ReferenceList.objects.select_related("region"), request.user, pk=pk)
    rows = [{"e": e, "iden": mask(e.iden_no)} for e in selectors.entries(request.user, listed)[:1000]]
    return render(
        request,
        "cards/list_detail.html",
        {"list": listed, "rows": rows, "can_reveal": request.user.can("cards.reveal_id")},
    )


@require_POST
def reveal_entry(request: AuthedRequest, pk: int) -> HttpResponse:
    deny_unless(request.user, "cards.reveal_id")
    entry = get_scoped_or_404(
        ReferenceEntry.objects.select_related("list__region"), request.user, via="list__region", pk=pk
    )
    number = services.reveal_id(actor=request.user, obj=entry, ip=client_ip(request))
    messages.info(
        request, f"第{entry.row_no}行 {entry.per_name} 的证件号码：{number}（本次查看已记入审计日志）"
    )
    return redirect("cards:list_detail", pk=entry.list_id)


# --- verification by sampling -------------------------------------------------------------------------------


def samples(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "cards.view")
    return render(
        request,
        "cards/samples.html",
        {
            "samples": selectors.samples(request.user)[:100],
            "regions": regions_for(request.user).filter(level="county"),
            "purposes": PURPOSES,
            "confidences": sorted(Z_VALUES),
            "months": [f"{m:02d}" for m in range(1, 13)],
            "year": timezone.localdate().year,
            "can_draw": request.user.can("cards.verify"),
            "counties": selectors.county_summaries(request.user),
        },
    )


@require_POST
def draw_sample(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "cards.verify")
    region = _region(request)
    post = request.POST
    try:
        margin = Decimal(post.get("margin", "5")) / 100
        seed = int(post["seed"]) if post.get("seed", "").strip() else None
        sample = services.do_draw_sample(
            actor=request.user,
            region=region,
            fiscal_year=int(post.get("year", "0")),
            pay_month=post.get("month", "").zfill(2),
            purpose=post.get("purpose", ""),
            confidence=int(post.get("confidence", "95")),
            margin=margin,
            seed=seed,
            ip=client_ip(request),
        )
    except (ValueError, InvalidOperation):
        messages.error(request, "年度、置信水平、允许误差和随机种子须为数字")
        return redirect("cards:samples")
    except InvalidInput as exc:
        _problems(request, exc)
        return redirect("cards:samples")
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("cards:samples")
    messages.success(request, f"已从{sample.population}人中抽取{sample.size}人，随机种子{sample.seed}")
    return redirect("cards:sample_detail", pk=sample.pk)


def sample_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    deny_unless(request.user, "cards.view")
    sample = get_scoped_or_404(Sample.objects.select_related("region"), request.user, pk=pk)
    rows = [
        {"i": i, "iden": mask(i.iden_no), "purpose": _purpose(i.purpose)}
        for i in selectors.items(request.user, sample)
    ]
    return render(
        request,
        "cards/sample.html",
        {
            "sample": sample,
            "purpose": _purpose(sample.purpose),
            "margin": Decimal(sample.margin_bp) / 100,
            "rows": rows,
            "summary": selectors.summary(sample),
            "outcomes": list(OUTCOME_LABELS.items()),
            "methods": list(METHODS.items()),
            "can_verify": request.user.can("cards.verify"),
            "can_reveal": request.user.can("cards.reveal_id"),
            "today": timezone.localdate().isoformat(),
        },
    )


def call_sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    """The call sheet; ``?full=1`` writes full 证件号码 for a role that needs them, and is audited."""
    deny_unless(request.user, "cards.export")
    sample = get_scoped_or_404(Sample.objects.select_related("region"), request.user, pk=pk)
    full = request.GET.get("full") == "1"
    if full:
        deny_unless(request.user, "cards.reveal_id")
    items = list(selectors.items(request.user, sample))
    rows = [
        [
            n,
            i.village_name,
            i.per_name,
            i.iden_no if full else mask(i.iden_no),
            i.pay_month,
            _purpose(i.purpose),
            i.xpay_amt,
        ]
        for n, i in enumerate(items, start=1)
    ]
    if full:
        services.record_full_export(actor=request.user, sample=sample, rows=len(rows), ip=client_ip(request))
    title = (
        f"{sample.region.name}{sample.fiscal_year}年{sample.pay_month}月{_purpose(sample.purpose)}回访核查表"
    )
    response = HttpResponse(
        call_sheet_xlsx(f"{title}（随机种子{sample.seed}）", rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title + '.xlsx')}"
    return response


@require_POST
def record_outcome(request: AuthedRequest, pk: int) -> HttpResponse:
    deny_unless(request.user, "cards.verify")
    item = get_scoped_or_404(SampleItem.objects.all(), request.user, pk=pk)
    post = request.POST
    try:
        services.do_record_outcome(
            actor=request.user,
            item=item,
            outcome=post.get("outcome", ""),
            method=post.get("method", ""),
            verifier=post.get("verifier", ""),
            verified_on=_date(post.get("verified_on", "")),
            note=post.get("note", ""),
            ip=client_ip(request),
        )
    except InvalidInput as exc:
        _problems(request, exc)
    else:
        messages.success(request, f"已登记{item.per_name}的核查结果")
    return redirect("cards:sample_detail", pk=item.sample_id)


# --- complaints ---------------------------------------------------------------------------------------------


def complaints(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "cards.view")
    today = timezone.localdate()
    return render(
        request,
        "cards/complaints.html",
        {
            "complaints": selectors.complaints(request.user)[:200],
            "today": today,
            "regions": regions_for(request.user),
            "channels": Complaint.CHANNELS,
            "can_edit": request.user.can("cards.complaints"),
            "days": services.config()["complaint_days"],
        },
    )


@require_POST
def create_complaint(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "cards.complaints")
    region = _region(request)
    post = request.POST
    received_on = _date(post.get("received_on", ""))
    if received_on is None:
        messages.error(request, "请填写收到日期")
        return redirect("cards:complaints")
    try:
        complaint = services.do_create_complaint(
            actor=request.user,
            region=region,
            received_on=received_on,
            channel=post.get("channel", ""),
            complainant=post.get("complainant", ""),
            contact=post.get("contact", ""),
            content=post.get("content", ""),
            person_name=post.get("person_name", ""),
            iden_no=post.get("iden_no", ""),
            pay_cert_no=post.get("pay_cert_no", ""),
            ip=client_ip(request),
        )
    except InvalidInput as exc:
        _problems(request, exc)
        return redirect("cards:complaints")
    messages.success(request, f"已登记，交{complaint.region.name}办理，应于{complaint.due_on}前答复")
    return redirect("cards:complaint_detail", pk=complaint.pk)


def complaint_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    deny_unless(request.user, "cards.view")
    complaint = get_scoped_or_404(Complaint.objects.select_related("region"), request.user, pk=pk)
    return render(
        request,
        "cards/complaint.html",
        {
            "c": complaint,
            "iden": mask(complaint.iden_no) if complaint.iden_no else "",
            "findings": complaint.findings.all(),
            "overdue": complaint.state == Complaint.OPEN and complaint.due_on < timezone.localdate(),
            "can_edit": request.user.can("cards.complaints"),
            "today": timezone.localdate().isoformat(),
        },
    )


@require_POST
def reply_complaint(request: AuthedRequest, pk: int) -> HttpResponse:
    deny_unless(request.user, "cards.complaints")
    complaint = get_scoped_or_404(Complaint.objects.select_related("region"), request.user, pk=pk)
    try:
        finding_pk = request.POST.get("finding", "").strip()
        if finding_pk:
            finding = get_scoped_or_404(
                Finding.objects.select_related("region"),
                request.user,
                pk=int(finding_pk) if finding_pk.isdigit() else 0,
            )
            services.do_link_finding(
                actor=request.user, complaint=complaint, finding=finding, ip=client_ip(request)
            )
            messages.success(request, f"已关联预警{finding.pk}")
        if request.POST.get("reply", "").strip():
            services.do_reply_complaint(
                actor=request.user,
                complaint=complaint,
                reply=request.POST["reply"],
                replied_on=_date(request.POST.get("replied_on", "")) or timezone.localdate(),
                ip=client_ip(request),
            )
            messages.success(request, "已答复")
    except InvalidInput as exc:
        _problems(request, exc)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("cards:complaint_detail", pk=complaint.pk)
