"""The ledger's subjects of review (found by ``jiuzhu.approvals``): registrations and import batches."""

from .services.batch_review import BatchReview
from .services.registrations import RegistrationReview

__all__ = ["BatchReview", "RegistrationReview"]
