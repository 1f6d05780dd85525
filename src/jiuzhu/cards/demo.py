"""DEMO ONLY: three small reference lists over the ledger's demo year, each with one deliberate hit.

The persons are picked from the demo's payouts (the first, by 证件号码, paid only 低保 in that county) and the lists
are imported through ``services.do_import_list`` like any upload: a death in 塔城市 in September (paid again
October to December), an employee of a 额敏县 bureau all year, and 乌苏市's 停发 decision from November.
"""

import csv
import io

from django.conf import settings

from jiuzhu.domain.reference_lists import ListKind
from jiuzhu.ledger.models import Payout
from jiuzhu.regions.models import Region

from . import services
from .models import ReferenceList

#: rule → what the demo does to trigger it, and the county (mof_div_code) where the finding lands.
FAULTS = {
    "payout_after_death": (
        "塔城市一位低保对象2022-09-15死亡（地区死亡人员名单），10至12月仍发放",
        "654201000",
    ),
    "payout_to_employee": ("额敏县一位低保对象在地区财政供养人员名单上（额敏县某局，2021年起）", "654221000"),
    "payout_after_stop": ("乌苏市停发名单：一位低保对象自2022年11月停发，11、12月仍发放", "654202000"),
}
TACHENG, EMIN, WUSU = "654201", "654221", "654202"


def _dibao_only(code: str, month: str) -> tuple[str, str]:
    """(name, 证件号码) of the first person paid 低保 in ``month`` who has no other purpose in the county."""
    others = set(
        Payout.objects.filter(region__code=code).exclude(purpose="dibao").values_list("iden_no", flat=True)
    )
    for name, iden_no in (
        Payout.objects.filter(region__code=code, purpose="dibao", pay_month=month)
        .order_by("iden_no")
        .values_list("per_name", "iden_no")
    ):
        if iden_no not in others:
            return name, iden_no
    raise LookupError(f"no 低保-only person in {code} {month}")


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def load_card_demo() -> None:
    """Idempotent; only with the ledger's demo year."""
    if not getattr(settings, "JIUZHU_DEMO_LEDGER_YEAR", True) or ReferenceList.objects.exists():
        return
    if not Payout.objects.filter(region__code=TACHENG, pay_month="12").exists():
        return
    from jiuzhu.ledger.actors import SystemActor

    actor = SystemActor(username="system:demo", is_demo_loader=True)
    prefecture = Region.objects.get(code="654200")
    dead, employee, stopped = _dibao_only(TACHENG, "12"), _dibao_only(EMIN, "06"), _dibao_only(WUSU, "12")
    lists = (
        (
            prefecture,
            ListKind.DEATH,
            [["姓名", "证件号码", "死亡日期", "数据来源"], [*dead, "2022-09-15", "殡葬火化"]],
        ),
        (
            prefecture,
            ListKind.EMPLOYEE,
            [["姓名", "证件号码", "工作单位", "起始日期"], [*employee, "额敏县某局", "2021-03-01"]],
        ),
        (
            Region.objects.get(code=WUSU),
            ListKind.STOP,
            [
                ["姓名", "证件号码", "支出方向", "停发月份", "停发原因", "文号"],
                [*stopped, "低保", "2022-11", "家庭收入超过低保标准", "乌民发〔2022〕31号"],
            ],
        ),
    )
    for region, kind, rows in lists:
        services.do_import_list(
            actor=actor, region=region, kind=kind, data=_csv(rows), filename=f"演示{kind.label}.csv"
        )
