from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jiuzhu.api"
    verbose_name = "数据接口"
