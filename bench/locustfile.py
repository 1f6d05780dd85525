"""The load test's users (run by ``python -m bench.load``, which starts gunicorn and sets the variables).

Three kinds of user, each with its own session or token (made by the runner): the prefecture's audit bureau
(dq_sj_ck) walks every main page, the audit trail included; the prefecture's finance clerk (dq_cz_jb) walks the
same pages but the audit trail, which is not theirs; the 直达资金监控 system's account at the prefecture reads
the API (the first page of the payouts feed, appropriations, findings). All ask for ``/healthz``, the trivial
page every figure is compared with.
"""

import os
from collections.abc import Iterator
from pathlib import Path

from locust import HttpUser, between, task

PLAN = os.environ.get("BENCH_PLAN_ID", "1")


def _sessions() -> dict[str, Iterator[str]]:
    keys: dict[str, list[str]] = {}
    for line in Path(os.environ["BENCH_SESSIONS"]).read_text(encoding="utf-8").split():
        name, key = line.split("=")
        keys.setdefault(name, []).append(key)
    return {name: iter(values) for name, values in keys.items()}


SESSIONS = _sessions()


class _User(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task
    def healthz(self) -> None:
        self._get("/healthz", "healthz")


class _Demo(_User):
    abstract = True
    username = ""

    def on_start(self) -> None:
        # A session made for this user by the runner (logging 200 users in through Argon2 would measure the
        # password hash, and the login page's lock-out, not the pages).
        self.client.cookies.set("sessionid", next(SESSIONS[self.username]), domain="127.0.0.1")

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


class MonitoringSystem(_User):
    weight = 1

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {next(SESSIONS['api'])}"

    @task
    def payouts_feed(self) -> None:
        self._get("/api/v1/payouts?limit=1000", "api payouts")

    @task
    def appropriations(self) -> None:
        self._get("/api/v1/appropriations", "api appropriations")

    @task
    def findings(self) -> None:
        self._get("/api/v1/findings", "api findings")
