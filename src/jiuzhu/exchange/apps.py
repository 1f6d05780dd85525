from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "jiuzhu.exchange"
    verbose_name = "交换文件"
