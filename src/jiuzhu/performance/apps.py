from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "jiuzhu.performance"
    verbose_name = "绩效管理"
