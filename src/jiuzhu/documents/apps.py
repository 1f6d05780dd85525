from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "jiuzhu.documents"
    verbose_name = "公文"

    def ready(self) -> None:
        from jiuzhu.core.demo import EXTRA_STEPS

        from .services import do_load_default_templates

        def load_notice_templates() -> None:
            do_load_default_templates()

        if not any(getattr(s, "__name__", "") == "load_notice_templates" for s in EXTRA_STEPS):
            EXTRA_STEPS.append(load_notice_templates)
