"""The payout export to the 直达资金监控系统: full 证件号码 only for those who send it, every export audited.

Who gets full numbers (``ledger.export_ids``): the 经办 of 财政 and 民政 of the exported region itself — they
upload the file to the monitoring system. Everyone else who may see the ledger (checkers, the audit bureau, an
area above, administrators) gets the same file with each number masked (``654225********1234``). The command
line's system operator exports full numbers. Each export writes one audit record naming the region, the month,
the number of rows and whether the numbers were full, so a full-ID export can always be traced to a person.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.domain.identity import mask
from jiuzhu.regions.models import Region

from .actors import SystemActor
from .io.exports import write_payouts_xlsx
from .selectors import payouts_for_export


def may_export_full_ids(actor: Any, region: Region) -> bool:
    """A 经办 of the region itself (not of an area above), or the command line's operator."""
    if isinstance(actor, SystemActor):
        return True
    return bool(actor.can("ledger.export_ids")) and actor.region_id == region.pk


@dataclass(frozen=True)
class PayoutExport:
    content: bytes
    rows: int
    full_ids: bool


def _masked(rows: Iterator[Any]) -> Iterator[dict[str, Any]]:
    for values in rows:
        yield {**values, "iden_no": mask(str(values["iden_no"]))}


@transaction.atomic
def do_export_payouts(
    *, actor: Any, region: Region, fiscal_year: int, month: str, ip: str = ""
) -> PayoutExport:
    """The month's (or 全年's) payouts of ``region`` as the 13-column template, recorded in the audit trail."""
    require(actor, "ledger.view")
    require_within(actor, region)
    full = may_export_full_ids(actor, region)
    rows = payouts_for_export(actor, region=region, fiscal_year=fiscal_year, month=month)
    count = rows.count()
    values = rows.values().iterator()
    content = write_payouts_xlsx(values if full else _masked(values))
    record(
        actor=actor,
        action=AuditAction.EXPORT_PAYOUTS,
        entity=f"{region.code}:{fiscal_year}-{month}",
        region_path=region.path,
        after={"rows": count, "full_ids": full, "month": f"{fiscal_year}-{month}"},
        ip=ip,
    )
    return PayoutExport(content, count, full)
