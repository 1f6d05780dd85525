"""Who may check a submission of the ledger (a registration or an import batch)."""

from jiuzhu.accounts.models import User
from jiuzhu.regions.models import Region


def review_refusal(actor: User, region: Region, department: str) -> str:
    """Why ``actor`` may not approve or return a submission of ``region`` made in ``department`` ("" if they may).

    The checker is a 审核 of the same region (its own bureau, not an area above) and of the maker's department;
    an empty ``department`` (a file the command line's system operator imported) accepts either department.
    The maker themself is refused later, by ``approvals``.
    """
    if not actor.can("ledger.approve"):
        return "您没有审核权限"
    if actor.region_id != region.pk:
        return f"只有{region.name}本级的审核人员可以审核"
    if department and actor.department != department:
        return "只有与经办人同一部门的审核人员可以审核"
    return ""
