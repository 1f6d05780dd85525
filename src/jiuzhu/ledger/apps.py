from typing import Any

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "jiuzhu.ledger"
    verbose_name = "指标与支付"

    def ready(self) -> None:
        from jiuzhu.allocation.signals import plan_approved

        plan_approved.connect(_book_movements, dispatch_uid="ledger.book_plan_movements")


def _book_movements(sender: Any, *, plan: Any, actor: Any, **kwargs: Any) -> None:
    from .services.appropriations import book_plan_movements

    book_plan_movements(plan=plan, actor=actor)
