"""Thin views: the 公文 page, a plan's notice download, template editing with preview, the checker upload."""

from typing import cast
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jiuzhu.accounts.actions import require_within
from jiuzhu.accounts.http import deny_unless
from jiuzhu.accounts.models import User
from jiuzhu.accounts.scoping import get_scoped_or_404
from jiuzhu.allocation.models import Plan
from jiuzhu.allocation.selectors import visible_plans, visible_rows
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.core.views import client_ip
from jiuzhu.domain.problems import Problem, Severity
from jiuzhu.funds.models import Fund
from jiuzhu.regions.models import Region, load_tree

from . import services
from .checking import check_file
from .content import build_notice
from .extract import MAX_BYTES, ExtractError
from .models import NoticeTemplate
from .render import FORMATS, NoticeUnavailable, render_notice
from .selectors import default_template, notice_lines, stored_template, templates
from .templating import VARIABLES, TemplateProblem


def _user(request: HttpRequest) -> User:
    """Every page needs a login (core.middleware), so the user is a real one."""
    return cast(User, request.user)


def home(request: HttpRequest) -> HttpResponse:
    if not _user(request).can("documents.view"):
        raise Http404("页面不存在")
    plans = visible_plans(request.user).filter(status=Plan.APPROVED)
    user = _user(request)
    can_edit = user.can("documents.templates") and user.region is not None
    stored = list(templates(user)) if can_edit else []
    own = [
        {
            "fund": fund,
            "kind": kind,
            "label": label,
            "stored": next(
                (
                    t
                    for t in stored
                    if t.region_id == user.region_id and t.fund_id == fund.pk and t.kind == kind
                ),
                None,
            ),
        }
        for fund in Fund.objects.select_related("direct_fund_tag").order_by(
            "-fiscal_year", "name", "source_label"
        )
        for kind, label in NoticeTemplate.KINDS
    ]
    return render(
        request,
        "documents/home.html",
        {
            "plans": plans,
            "own_templates": own if can_edit else [],
            "other_templates": [t for t in stored if t.region_id != user.region_id],
            "can_generate": user.can("documents.generate"),
            "can_edit_templates": can_edit,
        },
    )


def notice(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The whole notice of an approved plan, for the staff of the issuing bureau.

    404 for a plan the user may not see; 403 for one they see but whose notice their role does not generate.
    """
    suffix = f".{fmt}"
    if suffix not in FORMATS:
        raise Http404("页面不存在")
    plan = visible_plans(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404("记录不存在")
    deny_unless(request.user, "documents.generate")
    try:
        require_within(_user(request), plan.issuer)
        data = render_notice(plan, notice_lines(request.user, plan), suffix)
    except (ActionRefused, NoticeUnavailable) as exc:
        messages.error(request, str(exc))
        return redirect("allocation:detail", pk=plan.pk)
    response = HttpResponse(data, content_type=FORMATS[suffix])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{plan.doc_no}{suffix}')}"
    return response


def _preview(user: User, template: NoticeTemplate) -> tuple[object | None, str]:
    """The notice's text as the template would word it, for the latest approved plan of the kind that the
    template's issuer issued (scoped: another area's plan and rows never show here)."""
    plan = (
        visible_plans(user)
        .filter(issuer=template.region, fund=template.fund, kind=template.kind, status=Plan.APPROVED)
        .order_by("-doc_date", "-id")
        .first()
    )
    if plan is None:
        return None, "该发文地区的这项资金还没有已审核的此类方案，无法预览"
    try:
        lines = [r.line() for r in visible_rows(user, plan)]
        return build_notice(plan, template, lines, load_tree()), ""
    except TemplateProblem as exc:
        return None, str(exc)


def template_edit(request: HttpRequest, region_id: int, fund_id: int, kind: str) -> HttpResponse:
    """The template of one issuer (``region``), fund and kind, with a preview: for the 管理员 of that region or
    an area above it. An issuer outside the user's area is 404 (a county's administrator never learns of the
    prefecture's wording); an issuer in the area but a user who may not edit templates is 403."""
    if kind not in dict(NoticeTemplate.KINDS):
        raise Http404("页面不存在")
    region = get_scoped_or_404(Region.objects.all(), request.user, via="", pk=region_id)
    deny_unless(request.user, "documents.templates")
    fund = get_object_or_404(Fund, pk=fund_id)
    template = (
        stored_template(region, fund, kind)
        or default_template(region, fund, kind)
        or NoticeTemplate(region=region, fund=fund, kind=kind)
    )
    problems: list[Problem] = []
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in services.FIELDS}
        if request.POST.get("action") == "save":
            try:
                services.do_save_template(
                    actor=_user(request),
                    region=region,
                    fund=fund,
                    kind=kind,
                    values=values,
                    ip=client_ip(request),
                )
                messages.success(request, "模板已保存")
                return redirect("documents:template", region_id=region.pk, fund_id=fund.pk, kind=kind)
            except InvalidInput as exc:
                problems = exc.problems
            except ActionRefused as exc:
                messages.error(request, str(exc))
        for name, value in values.items():  # show what was typed (and preview it) without saving
            setattr(template, name, value)
        if not problems:
            problems = services.validate_template(template)
    preview, preview_error = _preview(_user(request), template) if not problems else (None, "")
    return render(
        request,
        "documents/template_edit.html",
        {
            "template": template,
            "region": region,
            "fund": fund,
            "kind_label": dict(NoticeTemplate.KINDS)[kind],
            "problems": problems,
            "preview": preview,
            "preview_error": preview_error,
            "variables": [(name, label, label.split("，")[0]) for name, label in VARIABLES.items()],
            "fields": services.FIELDS,
        },
    )


def check(request: HttpRequest) -> HttpResponse:
    """Upload a notice (TXT, DOCX, PDF with a text layer) and see every finding with its line."""
    if not _user(request).can("documents.view"):
        raise Http404("页面不存在")
    context: dict[str, object] = {"max_mb": MAX_BYTES // 2**20}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要检查的文件")
        elif upload.size is not None and upload.size > MAX_BYTES:
            messages.error(request, f"文件过大，上限为 {MAX_BYTES // 2**20} MB")
        else:
            try:
                problems = check_file(upload.read(MAX_BYTES + 1))
                context.update(
                    {
                        "checked": upload.name,
                        "problems": problems,
                        "errors": sum(p.severity is Severity.ERROR for p in problems),
                    }
                )
            except ExtractError as exc:
                messages.error(request, str(exc))
    return render(request, "documents/check.html", context)
