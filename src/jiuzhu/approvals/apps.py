from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "jiuzhu.approvals"
    verbose_name = "审批"

    def ready(self) -> None:
        from jiuzhu.core import demo

        from .services import do_load_default_rules

        if do_load_default_rules not in demo.EXTRA_STEPS:
            demo.EXTRA_STEPS.append(do_load_default_rules)
