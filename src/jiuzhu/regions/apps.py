from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "jiuzhu.regions"
    verbose_name = "财政区划"
