from django.apps import AppConfig


class TraceConfig(AppConfig):
    name = "jiuzhu.trace"
    verbose_name = "资金溯源"
