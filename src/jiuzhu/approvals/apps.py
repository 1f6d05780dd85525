from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "jiuzhu.approvals"
    verbose_name = "审批"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app declares its subjects of review in its own ``review.py`` (see ``approvals.review``).
        autodiscover_modules("review")
