from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "jiuzhu.monitoring"
    verbose_name = "监控预警"

    def ready(self) -> None:
        from jiuzhu.audit.labels import ACTION_LABELS

        from . import hooks

        hooks.connect()
        ACTION_LABELS.update(
            {
                "monitoring.run": "运行监控规则",
                "monitoring.confirm": "确认预警问题",
                "monitoring.false_positive": "认定误报",
                "monitoring.fp_approve": "误报审核通过",
                "monitoring.fp_approve_partial": "误报审核（尚需他人审核）",
                "monitoring.fp_return": "误报退回",
                "monitoring.rectify": "登记整改措施",
                "monitoring.close": "预警销号",
                "monitoring.demo_faults": "写入演示监控故障",
            }
        )
