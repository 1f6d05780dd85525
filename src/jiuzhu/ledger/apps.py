from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:  # models cannot be imported before the apps are ready
    from jiuzhu.accounts.models import User
    from jiuzhu.allocation.models import Plan


class LedgerConfig(AppConfig):
    name = "jiuzhu.ledger"
    verbose_name = "指标与支付"

    def ready(self) -> None:
        from jiuzhu.allocation.signals import plan_approved

        plan_approved.connect(_book_movements, dispatch_uid="ledger.book_plan_movements")


def _book_movements(sender: object, *, plan: "Plan", actor: "User", **kwargs: object) -> None:
    from .services.appropriations import book_plan_movements

    book_plan_movements(plan=plan, actor=actor)
