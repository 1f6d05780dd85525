from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "jiuzhu.approvals"
    verbose_name = "审批"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from jiuzhu.core import demo

        from .services import do_load_default_rules

        if do_load_default_rules not in demo.EXTRA_STEPS:
            demo.EXTRA_STEPS.append(do_load_default_rules)
        # Each app declares its subjects of review in its own ``review.py`` (see ``approvals.review``).
        autodiscover_modules("review")
