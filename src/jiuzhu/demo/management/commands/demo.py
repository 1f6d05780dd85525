from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "迁移数据库并载入演示场景（塔地财社〔2022〕82号）；重复运行不会改变数据"

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        from jiuzhu.demo.scenario import load_demo
        from jiuzhu.demo.seed import seed_data

        load_demo()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。登录密码：" + seed_data()["demo_password"]))
