from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jiuzhu.reports"
    verbose_name = "跟踪反馈"
