from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "jiuzhu.documents"
    verbose_name = "公文"
