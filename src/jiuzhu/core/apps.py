from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiuzhu.core"
    verbose_name = "基础"
