"""The load test's users (run by ``python -m bench.load``, which starts gunicorn and sets the variables).

Two kinds of demo user, logged in once each: the prefecture's audit bureau (dq_sj_ck) walks every main page,
the audit trail included; the prefecture's finance clerk (dq_cz_jb) walks the same pages but the audit trail,
which is not theirs. Both also ask for ``/healthz``, the trivial page every figure is compared with.
"""

import os
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "Jiuzhu@2022")
PLAN = os.environ.get("BENCH_PLAN_ID", "1")


class _Demo(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    username = ""

    def on_start(self) -> None:
        page = self.client.get("/login/", name="login (once per user)")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token[1] if token else "",
            },
            headers={"Referer": f"{self.host}/login/"},
            name="login (once per user)",
        )

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task
    def healthz(self) -> None:
        self._get("/healthz", "healthz")

    @task
    def home(self) -> None:
        self._get("/", "home")

    @task
    def plans(self) -> None:
        self._get("/allocation/", "plans")

    @task
    def plan_detail(self) -> None:
        self._get(f"/allocation/{PLAN}/", "plan detail")

    @task
    def ledger(self) -> None:
        self._get("/ledger/", "ledger")

    @task
    def payouts(self) -> None:
        self._get("/ledger/payouts/", "payouts")

    @task
    def documents(self) -> None:
        self._get("/documents/", "documents")


class AuditBureau(_Demo):
    weight = 1
    username = "dq_sj_ck"

    @task
    def audit(self) -> None:
        self._get("/audit/", "audit")


class FinanceClerk(_Demo):
    weight = 1
    username = "dq_cz_jb"
