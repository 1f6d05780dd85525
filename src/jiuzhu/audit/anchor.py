"""The chain's head, published: an anchor file the audit bureau keeps proves that nothing before it was removed.

The hash chain shows a changed or removed record in the middle (the next link no longer matches), but removing
the newest records leaves a shorter chain that still holds. So the head — the newest record's number, its hash
and the number of records up to it — is shown on the audit page and exported daily (``jiuzhu audit anchor --out
FILE``, or 导出链首锚点 on the page); ``jiuzhu audit verify --anchor FILE`` then checks that this very record is
still there with the same hash, that as many records lead up to it, and that the chain holds.
"""

import json
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone

from .models import AuditRecord

KIND = "jiuzhu-audit-anchor"


@dataclass(frozen=True)
class Anchor:
    seq: int
    """The newest record's number (its id)."""
    hash: str
    count: int
    """How many records there are up to and including it."""
    record_created_at: str
    issued_at: str

    def short(self) -> str:
        return f"#{self.seq}（{self.hash[:16]}…）"

    def as_json(self) -> str:
        return json.dumps({"kind": KIND, **asdict(self)}, ensure_ascii=False, indent=2) + "\n"


def head() -> Anchor | None:
    """The chain's head now, or None when the trail is empty."""
    last = AuditRecord.objects.order_by("-id").first()
    if last is None:
        return None
    return Anchor(
        seq=last.pk,
        hash=last.hash,
        count=AuditRecord.objects.filter(id__lte=last.pk).count(),
        record_created_at=timezone.localtime(last.created_at).isoformat(),
        issued_at=timezone.localtime().isoformat(),
    )


class AnchorFileError(ValueError):
    pass


def parse(text: str) -> Anchor:
    try:
        data: dict[str, Any] = json.loads(text)
        if data.get("kind") != KIND:
            raise AnchorFileError("不是审计链锚点文件")
        return Anchor(
            seq=int(data["seq"]),
            hash=str(data["hash"]),
            count=int(data["count"]),
            record_created_at=str(data.get("record_created_at", "")),
            issued_at=str(data.get("issued_at", "")),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        if isinstance(exc, AnchorFileError):
            raise
        raise AnchorFileError(f"锚点文件无法读取：{exc}") from exc


def anchor_problem(anchor: Anchor) -> str:
    """Why the trail no longer matches the anchor ("" when it does)."""
    rec = AuditRecord.objects.filter(pk=anchor.seq).only("hash").first()
    when = f"锚点生成于 {anchor.issued_at[:19]}" if anchor.issued_at else "锚点"
    if rec is None:
        return f"锚点记录 {anchor.short()} 已不存在：{when}之前的记录被删除"
    if rec.hash != anchor.hash:
        return f"锚点记录 {anchor.short()} 的哈希与锚点不符：该记录或其之前的记录被改动、替换"
    count = AuditRecord.objects.filter(id__lte=anchor.seq).count()
    if count != anchor.count:
        return f"锚点记录 {anchor.short()} 之前（含）应有 {anchor.count} 条记录，现有 {count} 条：有记录被删除或插入"
    return ""
