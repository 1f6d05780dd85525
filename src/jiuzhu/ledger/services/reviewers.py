"""Who may check a submission of the ledger (a registration or an import batch)."""

from jiuzhu.accounts.models import User
from jiuzhu.approvals.services import reviewer_refusal
from jiuzhu.regions.models import Region


def review_refusal(actor: User, region: Region, department: str) -> str:
    """Why ``actor`` may not review a ledger submission: ``approvals.reviewer_refusal``, the rule of every subject
    (plans too): a 审核 of the same region (its own bureau, not an area above) and of the maker's department."""
    return reviewer_refusal(actor, region, department, action="ledger.approve")
