"""The audit bureau's view of the trail: browse, look at one record, export — all within its area."""

from urllib.parse import quote, urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jiuzhu.accounts.http import AuthedRequest, permission_required
from jiuzhu.accounts.scoping import is_top_level, trail_q

from . import anchor, exports
from .actions import AuditAction, action_label
from .models import AuditRecord
from .readable import Names, entity_text, readable_changes
from .selectors import TrailFilter, region_names, visible_records
from .services import record_outside

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@permission_required("audit.view")
def trail(request: AuthedRequest) -> HttpResponse:
    flt = TrailFilter.from_query(request.GET)
    page = Paginator(visible_records(request.user, flt), PAGE_SIZE).get_page(request.GET.get("page"))
    names = Names.load(region_names(request.user))
    items = [
        {
            "rec": r,
            "actor": names.person(r.actor),
            "region": names.region(r.region_path),
            "label": action_label(r.action),
            "entity": entity_text(r),
        }
        for r in page
    ]
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "items": items,
            "filter": flt,
            "query": urlencode(flt.as_query()),
            "actions": sorted((a.value, a.label) for a in AuditAction),
            # the whole system's chain: for the top level's audit bureau, who keeps the anchors
            "head": anchor.head() if is_top_level(request.user) else None,
        },
    )


@permission_required("audit.view")
def record_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    rec = AuditRecord.objects.filter(trail_q(request.user), pk=pk).first()
    if rec is None:
        raise Http404("记录不存在")
    names = Names.load(region_names(request.user))
    return render(
        request,
        "audit/detail.html",
        {
            "rec": rec,
            "actor": names.person(rec.actor),
            "label": action_label(rec.action),
            "entity": entity_text(rec),
            "changes": readable_changes(rec, names),
            "region": names.region(rec.region_path),
        },
    )


@permission_required("audit.view")
def export(request: AuthedRequest, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("不支持的格式")
    flt = TrailFilter.from_query(request.GET)
    records = visible_records(request.user, flt)[:EXPORT_LIMIT]
    names = Names.load(region_names(request.user))
    data = exports.as_csv(records, names) if fmt == "csv" else exports.as_xlsx(records, names)
    record_outside(
        actor=request.user,
        action=AuditAction.EXPORT_AUDIT,
        entity=f"审计日志 {fmt.upper()}",
        region_path=request.user.region.path if request.user.region else "/",
        after={**flt.as_query(), "rows": len(records)},
        ip=request.META.get("REMOTE_ADDR", ""),
    )
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = f"审计日志-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@permission_required("audit.view")
def anchor_export(request: AuthedRequest) -> HttpResponse:
    """The chain's head as the anchor file the audit bureau keeps (the same as ``jiuzhu audit anchor``)."""
    if not is_top_level(request.user):
        raise PermissionDenied("审计链锚点涵盖全系统的记录，由最高一级的审计部门导出保存")
    head = anchor.head()
    if head is None:
        raise Http404("审计日志为空")
    response = HttpResponse(head.as_json(), content_type="application/json; charset=utf-8")
    name = f"审计链锚点-{timezone.localdate():%Y%m%d}-{head.seq}.json"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
