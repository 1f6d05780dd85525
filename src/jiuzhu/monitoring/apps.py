from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "jiuzhu.monitoring"
    verbose_name = "监控预警"

    def ready(self) -> None:
        from . import hooks

        hooks.connect()
