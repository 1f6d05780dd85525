from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "jiuzhu.funds"
    verbose_name = "资金与科目"
