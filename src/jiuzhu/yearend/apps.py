from django.apps import AppConfig


class YearendConfig(AppConfig):
    name = "jiuzhu.yearend"
    verbose_name = "支出进度与年终结转"
