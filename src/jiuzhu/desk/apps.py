from django.apps import AppConfig


class DeskConfig(AppConfig):
    """工作台: the page a user lands on after logging in."""

    name = "jiuzhu.desk"
    verbose_name = "工作台"
