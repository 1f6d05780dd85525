"""A plan's notice as DOCX or PDF bytes: the one entry point for the command and the download."""

from collections.abc import Sequence

from jiuzhu.allocation.models import Plan
from jiuzhu.domain.allocation import AdjustmentLine
from jiuzhu.regions.models import load_tree

from .content import build_notice
from .selectors import template_for
from .templating import TemplateProblem

FORMATS = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


class NoticeUnavailable(ValueError):
    """Why a notice cannot be generated; ``str()`` is a message in Chinese."""


def render_notice(plan: Plan, lines: Sequence[AdjustmentLine], suffix: str) -> bytes:
    if suffix not in FORMATS:
        raise NoticeUnavailable(f"不支持的公文格式：{suffix}（可用 .docx、.pdf）")
    if plan.status != Plan.APPROVED:
        raise NoticeUnavailable("只有已审核的方案可以生成公文")
    if not lines:
        raise NoticeUnavailable("方案没有任何地区的分配数")
    template = template_for(plan)
    if template is None:
        raise NoticeUnavailable(
            f"{plan.issuer.name}尚未设置{plan.fund}的{plan.get_kind_display()}公文模板，请管理员先设置"
        )
    try:
        notice = build_notice(plan, template, lines, load_tree())
    except TemplateProblem as exc:
        raise NoticeUnavailable(str(exc)) from exc
    if suffix == ".pdf":
        from .pdf import render_pdf

        return render_pdf(notice)
    from .docx import render_docx

    return render_docx(notice)
