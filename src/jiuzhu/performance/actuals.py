"""Actuals computed from the ledger, one set-based query per measure over whole tables, grouped by region.

- ``pass_down_days`` (下达时效): per receipt (下达/调增) of the fund, the days from its 接收日期 to the approved
  registration that passes it on to the region's budget (not yet registered: to the period's end); the
  region's actual is its slowest receipt.
- ``on_time_rate`` (按时发放率): payouts whose voucher was paid in the payout's own month (or before), over all
  payouts of the period.
- ``socialized_rate`` (低保资金社会化发放率): the share of 低保 payout money paid into a person's account — a row
  with its own 收款账号, or one paid through a 一卡通 voucher (代发户).
- ``dibao_persons`` (低保对象人数): distinct 证件号码 paid 低保 in the period's last month.
- ``budget``: received (movements) and spent (approved vouchers) up to the period's end: 预算执行率.

Payouts and vouchers count once their batch is approved, registrations once approved, as the ledger counts.
"""

import calendar
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from jiuzhu.domain.money import from_fen
from jiuzhu.monitoring.queries import Dialect

#: measure key → the 三级指标 it serves in the shipped template (``services.MEASURE_OF``), its unit
MEASURES = {
    "pass_down_days": "天",
    "on_time_rate": "%",
    "socialized_rate": "%",
    "dibao_persons": "人",
}


@dataclass(frozen=True)
class Measured:
    value: Decimal
    detail: str
    """The numbers behind it, in the clerk's words."""


@dataclass(frozen=True)
class Budget:
    received: Decimal
    spent: Decimal

    @property
    def rate(self) -> Decimal | None:
        return (self.spent * 100 / self.received).quantize(Decimal("0.01")) if self.received > 0 else None


def period_end(year: int, through_month: int) -> datetime.date:
    return datetime.date(year, through_month, calendar.monthrange(year, through_month)[1])


def _rows(sql: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        for row in cursor.fetchall():
            yield dict(zip(names, row, strict=True))


def _params(fund_id: int, year: int, through_month: int) -> dict[str, Any]:
    return {
        "fund": fund_id,
        "year": year,
        "mm": f"{through_month:02d}",
        "as_of": period_end(year, through_month).isoformat(),
    }


PAYOUTS = """FROM ledger_payout d
    JOIN ledger_importbatch b ON b.id = d.batch_id AND b.approved_at IS NOT NULL
    JOIN ledger_payment p ON p.id = d.payment_id
    JOIN ledger_appropriation a ON a.id = p.appropriation_id AND a.fund_id = %(fund)s
    WHERE d.fiscal_year = %(year)s AND d.pay_month <= %(mm)s"""


def pass_down_sql(d: Dialect) -> str:
    as_of = d.date_param("as_of")
    return f"""SELECT m.region_id, m.sup_bgt_doc_no AS doc_no, m.received_on, g.registered_on,
        {d.days(f"COALESCE(g.registered_on, {as_of})", "m.received_on")} AS days
      FROM ledger_movement m
      LEFT JOIN ledger_registration g ON g.movement_id = m.id AND g.status = 'approved'
      WHERE m.fund_id = %(fund)s AND m.fiscal_year = %(year)s AND m.kind IN ('issue', 'increase')
        AND m.received_on <= {as_of}
      ORDER BY m.region_id, m.received_on"""


def on_time_sql(d: Dialect) -> str:
    return f"""SELECT d.region_id, COUNT(*) AS total,
        SUM(CASE WHEN {d.month("p.xpay_date")} <= d.pay_month THEN 1 ELSE 0 END) AS on_time
      {PAYOUTS} GROUP BY d.region_id"""


def socialized_sql(d: Dialect) -> str:
    return f"""SELECT d.region_id, SUM(d.xpay_amt) AS total_fen,
        SUM(CASE WHEN (d.acct_no IS NOT NULL AND d.acct_no <> '') OR p.payee_acct_name LIKE '%%一卡通%%'
            THEN d.xpay_amt ELSE 0 END) AS social_fen
      {PAYOUTS} AND d.purpose = 'dibao' GROUP BY d.region_id"""


def persons_sql(d: Dialect) -> str:
    return f"""SELECT d.region_id, COUNT(DISTINCT d.iden_no) AS persons
      {PAYOUTS} AND d.purpose = 'dibao' AND d.pay_month = %(mm)s GROUP BY d.region_id"""


def budget_sql(d: Dialect) -> str:
    as_of = d.date_param("as_of")
    return f"""SELECT r.region_id, SUM(r.received) AS received_fen, SUM(r.spent) AS spent_fen FROM (
        SELECT m.region_id, m.amount AS received, 0 AS spent FROM ledger_movement m
          WHERE m.fund_id = %(fund)s AND m.fiscal_year = %(year)s AND m.received_on <= {as_of}
        UNION ALL
        SELECT p.region_id, 0, p.xpay_amt FROM ledger_payment p
          JOIN ledger_importbatch b ON b.id = p.batch_id AND b.approved_at IS NOT NULL
          JOIN ledger_appropriation a ON a.id = p.appropriation_id AND a.fund_id = %(fund)s
          WHERE p.fiscal_year = %(year)s AND p.xpay_date <= {as_of}
      ) r GROUP BY r.region_id"""


def _pct(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def computed(fund_id: int, year: int, through_month: int) -> dict[int, dict[str, Measured]]:
    """region id → measure → its actual, for every region with ledger data of the fund in the period."""
    d, p = Dialect(connection.vendor), _params(fund_id, year, through_month)
    out: dict[int, dict[str, Measured]] = {}
    slowest: dict[int, dict[str, Any]] = {}
    for row in _rows(pass_down_sql(d), p):
        best = slowest.get(row["region_id"])
        if best is None or row["days"] > best["days"]:
            slowest[row["region_id"]] = row
    for region_id, row in slowest.items():
        done = f"{row['registered_on']}登记下达" if row["registered_on"] else "截至期末尚未登记下达"
        detail = f"{row['doc_no']}于{row['received_on']}收到，{done}，用时{row['days']}天"
        out.setdefault(region_id, {})["pass_down_days"] = Measured(Decimal(row["days"]), detail)
    for row in _rows(on_time_sql(d), p):
        value = _pct(row["on_time"], row["total"])
        detail = f"按时发放{row['on_time']}笔，共{row['total']}笔"
        out.setdefault(row["region_id"], {})["on_time_rate"] = Measured(value, detail)
    for row in _rows(socialized_sql(d), p):
        if row["total_fen"]:
            value = _pct(row["social_fen"], row["total_fen"])
            social, total = from_fen(row["social_fen"]), from_fen(row["total_fen"])
            detail = f"打卡发放{social}元，低保发放共{total}元"
            out.setdefault(row["region_id"], {})["socialized_rate"] = Measured(value, detail)
    for row in _rows(persons_sql(d), p):
        detail = f"{through_month}月发放低保的不同证件号码{row['persons']}个"
        out.setdefault(row["region_id"], {})["dibao_persons"] = Measured(Decimal(row["persons"]), detail)
    return out


def budgets(fund_id: int, year: int, through_month: int) -> dict[int, Budget]:
    d, p = Dialect(connection.vendor), _params(fund_id, year, through_month)
    return {
        row["region_id"]: Budget(from_fen(int(row["received_fen"])), from_fen(int(row["spent_fen"])))
        for row in _rows(budget_sql(d), p)
    }
