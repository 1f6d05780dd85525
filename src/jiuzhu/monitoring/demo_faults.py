"""DEMO ONLY: one deliberate fault for every monitoring rule that the ledger's demo year does not already have.

The ledger's demo year already holds three (``demo.faults`` and the late registration): 裕民县 registers
the 82号 increase 45 days late (late_registration); 塔城市's March 低保 voucher ZF6542012022103 gets a duplicate
payout (payout_duplicate) and one above its 应发 (payout_above_due), so its payouts no longer add up to it
(voucher_mismatch). ``load_monitoring_faults`` adds the rest, written straight to the tables because the
importers and services rightly refuse them; the payments and payouts sit in their own approved batches named
``演示：…`` so that they count like imported data. Each is listed in ``FAULTS`` (and in the README).
"""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from jiuzhu.allocation.models import Plan
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.identity import with_check_digit
from jiuzhu.funds.models import Fund
from jiuzhu.ledger.models import (
    Appropriation,
    ImportBatch,
    Movement,
    Payment,
    Payout,
    Registration,
    RegistrationLine,
    ReviewStatus,
)
from jiuzhu.ledger.services.registrations import bgt_id_for
from jiuzhu.regions.models import Region

MARKER = "demo-monitoring-faults"
PROVINCE_DOC = "新财社〔2021〕900号"
#: rule → what the demo does to trigger it (the README lists the same).
FAULTS = {
    "late_registration": "裕民县登记塔地财社〔2022〕82号调增晚于接收45天（台账演示数据）",
    "late_pass_down": f"自治区{PROVINCE_DOC}（演示）2021-12-01到达塔城地区，塔地财社〔2022〕5号下达晚于到达40天以上",
    "payment_above_balance": "沙湾市中央资金流浪乞讨指标多支付1,000元（凭证YS6542032022801）",
    "tag_break": "托里县支付凭证YS6542242022802的直达资金标识为03，其指标为01",
    "exp_code_mismatch": "乌苏市流浪乞讨支付凭证YS6542022022803列支2081901（城市低保）",
    "voucher_no_payouts": "额敏县特困支付凭证YS6542212022804于2022-09-15支付，无发放明细",
    "voucher_mismatch": "塔城市凭证ZF6542012022103的发放明细因重复发放和超发与凭证不符（台账演示数据）",
    "payout_duplicate": "塔城市3月低保一人发放两次（台账演示数据）",
    "payout_above_due": "塔城市3月低保一人应发500元、实发650元（台账演示数据）",
    "payout_duplicate_cross": "塔城市的一位特困人员5月又在额敏县领取特困供养金",
    "invalid_id": "额敏县一条发放记录的身份证号码校验位错误",
    "account_shared": "额敏县两位不同人员发放到同一账户6217000000000000001",
    "person_multi_account": "额敏县一人5月的特困和临时救助发放到两个不同账户",
    "idle_money": "托里县中央资金新增低保指标（2081901）1万元，全年未支付",
    "execution_behind": "和布克赛尔县中央资金孤儿指标多登记四分之一，支出进度约76%，落后24个百分点（红灯）",
}
EMIN, TACHENG = "654221", "654201"


def load_monitoring_faults() -> None:
    """Idempotent; only with the ledger's demo year (``JIUZHU_DEMO_LEDGER_YEAR``)."""
    if not getattr(settings, "JIUZHU_DEMO_LEDGER_YEAR", True):
        return
    if ImportBatch.objects.filter(sha256__startswith=MARKER).exists():
        return
    if not Payment.objects.filter(pay_cert_no__startswith="ZC").exists():
        return
    from jiuzhu.ledger.actors import SystemActor

    demo_only_insert_monitoring_faults(actor=SystemActor(username="system:demo", is_demo_loader=True))


@transaction.atomic
def demo_only_insert_monitoring_faults(*, actor: Any) -> None:
    if not settings.DEBUG and not getattr(actor, "is_demo_loader", False):
        raise ActionRefused("演示故障数据只能由演示场景写入")
    central = Fund.objects.get(fiscal_year=2022, source_label="中央")
    _late_pass_down(central)
    _payments(central)
    _payouts(central)
    _registration_lines(central)
    record(
        actor=actor,
        action=AuditAction.MONITORING_DEMO_FAULTS,
        entity="演示监控故障",
        region_path="/",
        after=FAULTS,
    )


def _late_pass_down(fund: Fund) -> None:
    """The province's document reached the prefecture on 2021-12-01; 5号 passed it down weeks later."""
    province = Region.objects.get(level="province")
    prefecture = Region.objects.get(code="654200")
    passed = Plan.objects.get(doc_no="塔地财社〔2022〕5号")
    plan = Plan.objects.create(
        fund=fund,
        kind=Plan.ALLOCATION,
        doc_no=PROVINCE_DOC,
        title="（演示）关于下达2022年中央财政困难群众救助补助资金的通知",
        doc_date=datetime.date(2021, 12, 1),
        issuer=province,
        status=Plan.APPROVED,
        created_by=passed.created_by,
        approved_at=timezone.now(),
    )
    total = Movement.objects.filter(plan=passed).aggregate(t=Sum("amount"))["t"]
    Movement.objects.create(
        region=prefecture,
        fund=fund,
        plan=plan,
        kind="issue",
        amount=total,
        sup_bgt_doc_no=PROVINCE_DOC,
        income_code=fund.income_code,
        direct_fund_tag=fund.direct_fund_tag.code,
        received_on=plan.doc_date,
        fiscal_year=2022,
    )


def _batch(kind: str, region: Region, amount: Decimal, suffix: str) -> ImportBatch:
    now = timezone.now()
    return ImportBatch.objects.create(
        kind=kind,
        region=region,
        filename=f"演示：监控故障{'支付凭证' if kind == ImportBatch.PAYMENTS else '发放明细'}",
        sha256=f"{MARKER}-{kind}-{suffix}",
        size=0,
        stored_path="",
        status=ImportBatch.DONE,
        review_status=ReviewStatus.APPROVED,
        created_by="system:demo",
        finished_at=now,
        approved_at=now,
        amount=amount,
        fiscal_year=2022,
    )


def _appropriation(code: str, fund: Fund, purpose: str) -> Appropriation:
    return Appropriation.objects.get(region__code=code, fund=fund, purpose=purpose)


def _balance(a: Appropriation) -> Decimal:
    registered = RegistrationLine.objects.filter(
        appropriation=a, registration__status=Registration.APPROVED
    ).aggregate(t=Sum("amount"))["t"]
    paid = Payment.objects.filter(appropriation=a, batch__approved_at__isnull=False).aggregate(
        t=Sum("xpay_amt")
    )["t"]
    return Decimal(registered or 0) - Decimal(paid or 0)


def _voucher(
    a: Appropriation,
    number: str,
    amount: Decimal,
    day: str,
    *,
    code: str = "",
    tag: str = "",
    payee: str = "",
) -> Payment:
    batch = _batch(ImportBatch.PAYMENTS, a.region, amount, number)
    return Payment.objects.create(
        region=a.region,
        appropriation=a,
        batch=batch,
        fiscal_year=2022,
        pay_cert_no=number,
        exp_func_code=code or a.exp_func_code,
        pay_amt=amount,
        xpay_amt=amount,
        xpay_date=datetime.date.fromisoformat(day),
        payee_acct_name=payee or "塔城地区救助管理站",
        use_des="演示：监控故障",
        direct_fund_tag=tag or a.direct_fund_tag,
        row_no=1,
    )


def _payments(fund: Fund) -> None:
    shawan = _appropriation("654203", fund, "liulang")
    _voucher(shawan, "YS6542032022801", _balance(shawan) + Decimal(1000), "2022-11-15")
    _voucher(
        _appropriation("654224", fund, "liulang"), "YS6542242022802", Decimal(1000), "2022-11-16", tag="03"
    )
    _voucher(
        _appropriation("654202", fund, "liulang"),
        "YS6542022022803",
        Decimal(1000),
        "2022-11-17",
        code="2081901",
    )
    _voucher(
        _appropriation(EMIN, fund, "tekun"),
        "YS6542212022804",
        Decimal(2000),
        "2022-09-15",
        payee=f"{EMIN}一卡通代发户",
    )


def _person(serial: int) -> str:
    return with_check_digit(f"{EMIN}1935010{serial:1d}9{serial:02d}")


def _payouts(fund: Fund) -> None:
    """额敏县's two vouchers of May (特困, 临时救助), each exactly the sum of its payouts."""
    copied = (
        Payout.objects.filter(region__code=TACHENG, purpose="tekun", pay_month="05")
        .order_by("iden_no")
        .first()
    )
    assert copied is not None
    invalid = _person(1)
    invalid = invalid[:-1] + ("0" if invalid[-1] != "0" else "1")
    tekun: list[tuple[str, str, Decimal, str]] = [
        (copied.per_name, copied.iden_no, Decimal(900), ""),  # also paid in 塔城市 this month
        ("演示无效", invalid, Decimal(850), ""),
        ("演示共户甲", _person(2), Decimal(880), "6217000000000000001"),
        ("演示共户乙", _person(3), Decimal(860), "6217000000000000001"),
        ("演示多卡", _person(4), Decimal(820), "6217000000000000004"),
    ]
    linshi = [("演示多卡", _person(4), Decimal(500), "6217000000000000005")]
    emin = Region.objects.get(code=EMIN)
    for purpose, rows, number in (("tekun", tekun, "YS6542212022805"), ("linshi", linshi, "YS6542212022806")):
        total = sum((r[2] for r in rows), Decimal(0))
        voucher = _voucher(
            _appropriation(EMIN, fund, purpose), number, total, "2022-05-25", payee=f"{EMIN}一卡通代发户"
        )
        batch = _batch(ImportBatch.PAYOUTS, emin, total, number)
        Payout.objects.bulk_create(
            Payout(
                region=emin,
                payment=voucher,
                batch=batch,
                fiscal_year=2022,
                purpose=purpose,
                row_no=i,
                pay_cert_no=number,
                per_name=name,
                iden_type="01",
                iden_no=iden_no,
                to_peop_family="01",
                pay_amt=amount,
                xpay_amt=amount,
                pay_month="05",
                acct_no=account,
                add_word="演示：监控故障",
            )
            for i, (name, iden_no, amount, account) in enumerate(rows, start=1)
        )


def _registration_lines(fund: Fund) -> None:
    """Two re-splits inside an approved registration, its total unchanged: 托里县 books 1万元 of 低保 to a second
    code it never pays from (idle money); 和布克赛尔县 moves a quarter of its 孤儿 amount from 低保 (behind)."""
    tuoli = _appropriation("654224", fund, "dibao")
    idle = Appropriation.objects.create(
        bgt_id=bgt_id_for(tuoli.region, 2022, fund.pk, "2081901", "dibao"),
        region=tuoli.region,
        fund=fund,
        fiscal_year=2022,
        exp_func_code="2081901",
        purpose="dibao",
        cor_bgt_doc_no=tuoli.cor_bgt_doc_no,
        income_code=tuoli.income_code,
        direct_fund_tag=tuoli.direct_fund_tag,
    )
    _move(tuoli, idle, Decimal(10000))
    hefeng_dibao = _appropriation("654226", fund, "dibao")
    orphan = _appropriation("654226", fund, "guer")
    registered = RegistrationLine.objects.filter(appropriation=orphan).aggregate(t=Sum("amount"))["t"]
    _move(hefeng_dibao, orphan, (Decimal(registered) / 4).quantize(Decimal("0.01")))


def _move(source: Appropriation, target: Appropriation, amount: Decimal) -> None:
    line = RegistrationLine.objects.filter(
        appropriation=source, registration__status=Registration.APPROVED
    ).first()
    assert line is not None
    RegistrationLine.objects.bulk_create(
        [
            RegistrationLine(registration=line.registration, appropriation=source, amount=-amount),
            RegistrationLine(registration=line.registration, appropriation=target, amount=amount),
        ]
    )
