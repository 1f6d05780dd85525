"""资金溯源: the pure checks over one fund's chain, from what a region received down to each person's payout.

The selectors of ``jiuzhu.trace`` read each level with one grouped query and hand the rows here as small
frozen records; the checks return every break they find (never raise on the first), each naming its rows.
A chain holds when, to the fen, each receipt's registration books exactly what was received, no
appropriation pays more than was registered, no voucher pays out more than it paid, the direct-fund tag of
the fund is the tag of every row, and the dates follow one another (received → registered → paid → paid out).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")
REGISTRATION_DAYS = 30


@dataclass(frozen=True)
class Receipt:
    """A movement a region received and the approved registration of it (``registered`` its lines' sum)."""

    key: int
    region: str
    doc_no: str
    amount: Decimal
    tag: str
    received_on: datetime.date
    cor_doc_no: str = ""
    registered: Decimal | None = None
    """None: no approved registration."""
    registered_on: datetime.date | None = None
    notice_date: datetime.date | None = None
    """The 成文日期 of the plan that moved it: nothing is received before the notice is written."""


@dataclass(frozen=True)
class Account:
    """An appropriation: registered (approved lines), paid by its vouchers, first registered on."""

    key: int
    bgt_id: str
    tag: str
    registered: Decimal
    paid: Decimal
    first_received_on: datetime.date | None
    """The earliest receipt among the movements registered into it: no voucher may be paid before."""


@dataclass(frozen=True)
class Voucher:
    """A payment voucher: what the treasury paid, and what was paid out to persons against it."""

    key: int
    pay_cert_no: str
    account: int
    tag: str
    paid: Decimal
    paid_on: datetime.date
    paid_out: Decimal
    people: int
    first_month: str | None
    """The earliest 发放月份 (``"01"`` … ``"12"``) of its payouts, None without payouts."""


@dataclass(frozen=True)
class Break:
    """One place where the chain does not hold: a code, the level, a clerk's message, the rows it names."""

    code: str
    level: str
    message: str
    rows: tuple[str, ...]
    numbers: dict[str, str] = field(default_factory=dict)


#: Checks by code, with what each proves when it finds nothing.
CHECKS = {
    "REGISTERED_AS_RECEIVED": "每笔指标变动已登记，登记金额与接收金额一致（精确到分）",
    "PAID_WITHIN_REGISTERED": "每个指标的支付不超过登记金额（精确到分）",
    "PAID_OUT_WITHIN_VOUCHER": "每张支付凭证的发放合计不超过实际支付金额（精确到分）",
    "TAG_UNCHANGED": "直达资金标识在接收、登记、支付各环节均未改变",
    "DATES_IN_ORDER": "成文 → 接收 → 登记，接收 → 支付 → 发放的日期先后有序",
}


def days_late(received_on: datetime.date, registered_on: datetime.date | None, today: datetime.date) -> int:
    """Days beyond the 30 allowed for registering (0 when in time); an unregistered receipt counts to today."""
    return max(0, ((registered_on or today) - received_on).days - REGISTRATION_DAYS)


def check_receipts(receipts: Iterable[Receipt]) -> list[Break]:
    out = []
    for r in receipts:
        if r.registered is None:
            out.append(
                Break(
                    "REGISTERED_AS_RECEIVED",
                    "指标登记",
                    f"{r.region}收到的{r.doc_no}尚未登记（或登记未审核）",
                    (f"指标变动#{r.key}",),
                    {"received": str(r.amount), "registered": "0.00"},
                )
            )
        elif r.registered != r.amount:
            out.append(
                Break(
                    "REGISTERED_AS_RECEIVED",
                    "指标登记",
                    f"{r.region}{r.doc_no}登记金额{r.registered}元与接收金额{r.amount}元相差"
                    f"{r.amount - r.registered}元",
                    (f"指标变动#{r.key}", r.cor_doc_no),
                    {"received": str(r.amount), "registered": str(r.registered)},
                )
            )
    return out


def check_accounts(accounts: Iterable[Account]) -> list[Break]:
    return [
        Break(
            "PAID_WITHIN_REGISTERED",
            "国库支付",
            f"指标{a.bgt_id}支付{a.paid}元，超过登记金额{a.registered}元{a.paid - a.registered}元",
            (a.bgt_id,),
            {"registered": str(a.registered), "paid": str(a.paid)},
        )
        for a in accounts
        if a.paid > a.registered
    ]


def check_vouchers(vouchers: Iterable[Voucher]) -> list[Break]:
    return [
        Break(
            "PAID_OUT_WITHIN_VOUCHER",
            "到人到户发放",
            f"支付凭证{v.pay_cert_no}发放合计{v.paid_out}元，超过实际支付金额{v.paid}元"
            f"{v.paid_out - v.paid}元",
            (v.pay_cert_no,),
            {"paid": str(v.paid), "paid_out": str(v.paid_out)},
        )
        for v in vouchers
        if v.paid_out > v.paid
    ]


def check_tags(
    tag: str, receipts: Iterable[Receipt], accounts: Iterable[Account], vouchers: Iterable[Voucher]
) -> list[Break]:
    rows = [
        *((f"指标变动#{r.key}（{r.doc_no}）", r.tag, "指标变动") for r in receipts),
        *((a.bgt_id, a.tag, "指标") for a in accounts),
        *((v.pay_cert_no, v.tag, "支付凭证") for v in vouchers),
    ]
    return [
        Break(
            "TAG_UNCHANGED",
            level,
            f"{level}{name}的直达资金标识为“{got}”，应为“{tag}”",
            (name,),
            {"expected": tag, "found": got},
        )
        for name, got, level in rows
        if got != tag
    ]


def check_dates(
    receipts: Iterable[Receipt], accounts: Sequence[Account], vouchers: Iterable[Voucher]
) -> list[Break]:
    out = []
    for r in receipts:
        if r.notice_date is not None and r.received_on < r.notice_date:
            out.append(
                Break(
                    "DATES_IN_ORDER",
                    "指标变动",
                    f"{r.doc_no}接收日期{r.received_on}早于成文日期{r.notice_date}",
                    (f"指标变动#{r.key}",),
                )
            )
        if r.registered_on is not None and r.registered_on < r.received_on:
            out.append(
                Break(
                    "DATES_IN_ORDER",
                    "指标登记",
                    f"{r.doc_no}登记日期{r.registered_on}早于接收日期{r.received_on}",
                    (f"指标变动#{r.key}", r.cor_doc_no),
                )
            )
    first = {a.key: a.first_received_on for a in accounts}
    for v in vouchers:
        received_on = first.get(v.account)
        if received_on is not None and v.paid_on < received_on:
            out.append(
                Break(
                    "DATES_IN_ORDER",
                    "国库支付",
                    f"支付凭证{v.pay_cert_no}支付日期{v.paid_on}早于指标接收日期{received_on}",
                    (v.pay_cert_no,),
                )
            )
        if v.first_month is not None and int(v.first_month) < v.paid_on.month:
            out.append(
                Break(
                    "DATES_IN_ORDER",
                    "到人到户发放",
                    f"支付凭证{v.pay_cert_no}有{int(v.first_month)}月的发放，早于{v.paid_on.month}月的支付",
                    (v.pay_cert_no,),
                )
            )
    return out


def check_chain(
    tag: str, receipts: Sequence[Receipt], accounts: Sequence[Account], vouchers: Sequence[Voucher]
) -> list[Break]:
    """Every break of the chain, in the order of the checks."""
    return [
        *check_receipts(receipts),
        *check_accounts(accounts),
        *check_vouchers(vouchers),
        *check_tags(tag, receipts, accounts, vouchers),
        *check_dates(receipts, accounts, vouchers),
    ]


def passed(breaks: Iterable[Break]) -> list[str]:
    """The codes of the checks that found nothing, in ``CHECKS`` order."""
    failed = {b.code for b in breaks}
    return [code for code in CHECKS if code not in failed]
