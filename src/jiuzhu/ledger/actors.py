"""The actor of the command line: an operator of the whole installation, named in the audit trail."""

from dataclasses import dataclass

from jiuzhu.regions.models import Region


@dataclass
class SystemActor:
    """Who runs ``jiuzhu import …`` on the server: may do what the CLI offers, over every region."""

    username: str = "system:cli"
    is_active: bool = True
    is_demo_loader: bool = False

    @property
    def region(self) -> Region:
        root = Region.objects.filter(parent__isnull=True).order_by("path").first()
        if root is None:
            raise LookupError("no regions loaded; run `jiuzhu demo` or load the regions first")
        return root

    @property
    def region_id(self) -> int:
        return self.region.pk

    @property
    def pk(self) -> None:
        return None

    def can(self, action: str) -> bool:
        return True
