from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "jiuzhu.ledger"
    verbose_name = "指标与支付"
