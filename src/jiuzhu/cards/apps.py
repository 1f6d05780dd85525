from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "jiuzhu.cards"
    verbose_name = "一卡通监管"

    def ready(self) -> None:
        from jiuzhu.monitoring.queries import register

        from .queries import BUILDERS, USES

        register(BUILDERS, USES)
