"""An audit record in an auditor's words: who (name and unit) did what to which document, old → new values.

The stored record stays as written (it is hash-chained); only its presentation is translated here. An import
batch named ``payments:3aa9…`` reads as its file name, person count and total; region codes and paths read as
the region's one name (塔城地区, 裕民县), stored codes (``submitted``, ``dibao``) as their labels.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps

from .actions import action_label
from .labels import field_label, value_label
from .models import AuditRecord
from .selectors import flatten


@dataclass(frozen=True)
class Names:
    """What the presentation needs to know, loaded once per page: people and regions by their keys."""

    people: dict[str, str]
    regions_by_path: dict[str, str]
    regions_by_code: dict[str, str]

    @classmethod
    def load(cls, region_names: dict[str, str]) -> "Names":
        user_model = apps.get_model("accounts", "User")
        region_model = apps.get_model("regions", "Region")
        people = {
            u.username: f"{u.display_name or u.username}（{u.region.name if u.region else ''}）"
            for u in user_model.objects.select_related("region")
        }
        by_code = {r.code: r.name for r in region_model.objects.all()}
        by_code.update({r.mof_div_code: r.name for r in region_model.objects.all()})
        return cls(people, region_names, by_code)

    def person(self, username: str) -> str:
        return self.people.get(username, username)

    def region(self, path: str) -> str:
        return self.regions_by_path.get(path, path)


def _batch(entity: str) -> Any:
    kind, _, sha = entity.partition(":")
    if kind not in ("payments", "payouts") or len(sha) < 8:
        return None
    batch_model = apps.get_model("ledger", "ImportBatch")
    return batch_model.objects.filter(kind=kind, sha256__startswith=sha).order_by("-id").first()


def _yuan(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def entity_text(rec: AuditRecord) -> str:
    """Which document: a plan's 文号, an import's file name with person count and total, else as recorded."""
    batch = _batch(rec.entity)
    if batch is not None:
        kind = value_label(batch.kind)
        unit = "人次" if batch.kind == "payouts" else "张凭证"
        count = f"{batch.rows_stored}{unit}" if batch.rows_stored else ""
        total = f"，合计{_yuan(batch.amount)}元" if batch.amount is not None else ""
        figures = f"（{count}{total}）".replace("（，", "（") if count or total else ""
        return f"{kind}文件“{batch.filename}”{figures}"
    if rec.action.startswith("allocation.") or rec.action == "ledger.book_movements":
        return f"方案 {rec.entity}"
    if rec.action.startswith("accounts.user") or rec.action == "accounts.password_reset":
        return f"用户 {rec.entity}"
    return rec.entity


def _value(key: str, text: str, names: Names) -> str:
    last = key.rsplit(".", 1)[-1]
    if last in ("approvals", "approvers") and text:
        return "，".join(names.person(p) for p in text.split("，"))
    if key.startswith("rows.") and text:
        parts = text.split("，")
        if len(parts) == 3:  # a plan row: (1) base, (2) decrease, (3) increase
            return "，".join(f"{t}{_yuan(v)}" for t, v in zip(("原额度", "调减", "调增"), parts, strict=True))
    if last in ("amount", "total") or key.startswith("rows."):
        parts = [_yuan(p) if _looks_like_money(p) else value_label(p) for p in text.split("，")]
        return "，".join(parts)
    if last == "region" and text in names.regions_by_code:
        return names.regions_by_code[text]
    return "，".join(value_label(p) for p in text.split("，")) if text else text


def _looks_like_money(text: str) -> bool:
    try:
        Decimal(text)
    except (InvalidOperation, ValueError):
        return False
    return "." in text


def _field(key: str, names: Names, action: str = "") -> str:
    if key == "rows" and not action.startswith("allocation."):
        return "行数"  # an import's rows; a plan's "rows" are its regions' figures
    parts = key.split(".")
    named = [names.regions_by_code.get(p, p) for p in parts]
    return field_label(".".join(named))


def readable_changes(rec: AuditRecord, names: Names) -> list[dict[str, Any]]:
    """Each field of before/after under its Chinese label, values translated, and whether it changed."""
    before, after = flatten(rec.before), flatten(rec.after)
    return [
        {
            "field": _field(key, names, rec.action),
            "before": _value(key, before.get(key, ""), names),
            "after": _value(key, after.get(key, ""), names),
            "changed": before.get(key) != after.get(key),
        }
        for key in sorted(before.keys() | after.keys())
    ]


def summary(rec: AuditRecord, names: Names) -> str:
    """One sentence: 裕民县财政局经办（裕民县）导入完成（待审核）：支付凭证文件“pay.csv”（1行，合计5,000.00元）."""
    return f"{names.person(rec.actor)} {action_label(rec.action)}：{entity_text(rec)}"


def changes_text(rec: AuditRecord, names: Names) -> str:
    """The changed fields as ``字段：旧 → 新`` lines, for exports."""
    lines = []
    for c in readable_changes(rec, names):
        if c["changed"]:
            lines.append(f"{c['field']}：{c['before'] or '（无）'} → {c['after'] or '（无）'}")
    return "\n".join(lines)
