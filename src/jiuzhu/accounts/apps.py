from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jiuzhu.accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from . import signals

        signals.connect()
