from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo scenario and its command, `jiuzhu demo`; no models."""

    name = "jiuzhu.demo"
    verbose_name = "演示数据"
