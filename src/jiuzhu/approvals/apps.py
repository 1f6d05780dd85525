from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "jiuzhu.approvals"
    verbose_name = "审批"
