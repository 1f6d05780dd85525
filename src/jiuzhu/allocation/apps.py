from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "jiuzhu.allocation"
    verbose_name = "资金分配"
