"""The demo year: a synthetic but plausible 2022 of the ledger for the seed scenario, deterministic (seeded).

Every county registers what it received under 塔地财社〔2022〕8号 and 82号 by purpose (shares below; the 82号
decreases are registered against the same appropriations), imports monthly payment vouchers, and imports its
per-person payouts — all through the same services and importers a clerk uses, each registration and file
approved by the county's own finance checkers (``…_cz_sh``, and ``…_cz_sh2`` where the amount asks for two) through
the maker-checker services, so that it counts. 裕民县 registers the 82号 increase 45 days after receipt (late),
one of the faults monitoring must find; the other two are ``jiuzhu.demo.faults``, on a voucher this year leaves
room on (``FAULT_VOUCHER``).

Scale follows the money. The seed fund is 413万元 for the year: at 低保 500–700 元/人·月 (特困 and 孤儿 more) it
pays some 600 people monthly. The issue's scale (about 30,000 people) comes from a second, clearly SYNTHETIC fund
of the same name from the central level — 中央财政困难群众救助补助资金, 2.5亿元 under the stand-in 塔地财社〔2022〕5号
(``synthetic_central`` in the seed file, loaded by ``jiuzhu.demo.seed.load_central_plan``) — registered, paid and paid
out the same way, to other people (an ID is never paid from both funds in one month and purpose, which the
importer would refuse as a duplicate). Each fund has its own random stream, so the seed fund's year is the
same with or without the central one.
"""

import csv
import datetime
import io
import random
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from jiuzhu.accounts.models import User
from jiuzhu.approvals import review
from jiuzhu.domain.factor import largest_remainder
from jiuzhu.domain.identity import with_check_digit
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.payout_columns import TEMPLATE_13
from jiuzhu.domain.purposes import Purpose
from jiuzhu.funds.models import Fund
from jiuzhu.ledger.models import ImportBatch, Movement, Registration
from jiuzhu.ledger.services import do_import_file, do_register_receipt

from .seed import load_central_plan

SEED = 2022
FEN = Decimal("0.01")
#: Share of each county's final amount per purpose (per mille).
SHARES = {
    Purpose.SUBSISTENCE: 600,
    Purpose.EXTREME_POVERTY: 200,
    Purpose.TEMPORARY: 120,
    Purpose.VAGRANT: 30,
    Purpose.ORPHAN: 50,
}
#: Monthly payout per person (元) by purpose; 流浪乞讨 is paid to the 救助站, not to persons.
MONTHLY = {
    Purpose.SUBSISTENCE: (500, 700),
    Purpose.EXTREME_POVERTY: (800, 1000),
    Purpose.TEMPORARY: (300, 1500),
    Purpose.ORPHAN: (1200, 1500),
}
CITIES = {"654201", "654202", "654203"}
DOC_AGENCY = {
    "654200": "塔地财社",
    "654201": "塔市财社",
    "654221": "额财社",
    "654202": "乌财社",
    "654203": "沙财社",
    "654224": "托财社",
    "654225": "裕财社",
    "654226": "和财社",
}
MAKERS = {
    "654200": "dq_cz_jb",
    "654201": "tcs_cz_jb",
    "654221": "ems_cz_jb",
    "654202": "wss_cz_jb",
    "654203": "sws_cz_jb",
    "654224": "tlx_cz_jb",
    "654225": "ymx_cz_jb",
    "654226": "hfx_cz_jb",
}
#: The second person of each registration and import: the region's finance checkers, as many as the rules ask.
CHECKERS = {code: (maker[:-3] + "_sh", maker[:-3] + "_sh2") for code, maker in MAKERS.items()}
LATE = "654225"  # 裕民县 registers the 82号 increase late
FAULT_REGION = "654201"
FAULT_VOUCHER = f"ZF{FAULT_REGION}2022103"  # 塔城市's March 低保 voucher of the seed fund
FAULT_SLACK = Decimal(1500)
PAID_SHARE = Fraction(95, 100)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢艾买热阿"
GIVEN = "明华建国秀英玉兰志强丽娟军平海燕桂芳文杰红梅德胜淑珍古丽努尔江别克巴图吐尔逊阿依热依拉"


def code_for(region: str, purpose: Purpose) -> str:
    return {
        Purpose.SUBSISTENCE: "2081901" if region in CITIES else "2081902",
        Purpose.EXTREME_POVERTY: "2082101" if region in CITIES else "2082102",
        Purpose.TEMPORARY: "2082001",
        Purpose.VAGRANT: "2082002",
        Purpose.ORPHAN: "2081001",
    }[purpose]


def split(total: Decimal, weights: dict[Purpose, int]) -> dict[Purpose, Decimal]:
    """Exact split of ``total`` by weights, the remainder fen to the largest remainders."""
    fen = int(total / FEN)
    whole = sum(weights.values())
    shares = {p.value: Fraction(fen * w, whole) for p, w in weights.items()}
    return {Purpose(k): v for k, v in largest_remainder(shares, fen, FEN).items()}


@dataclass(frozen=True)
class DemoFund:
    """How the demo year books one of the two funds."""

    source_label: str
    voucher_prefix: str
    """pay_cert_no = prefix + county + 2022 + purpose + month."""
    doc_offset: int
    """A county's n-th registration of this fund gets 本级文号 n·3 + offset (3, 6 for the seed fund; 2 for the
    central one), so a voucher's cor_bgt_doc_no names one appropriation."""
    seed: int


FUNDS = (DemoFund("自治区", "ZF", 0, SEED), DemoFund("中央", "ZC", -1, SEED + 1))


def load_demo_year() -> None:
    """Idempotent: registrations and files already in place are left alone.

    The approval rules must be loaded first: their thresholds apply to the demo's own registrations and files.
    """
    load_central_plan()
    streams = {f.source_label: random.Random(f.seed) for f in FUNDS}
    makers = {code: User.objects.get(username=name) for code, name in MAKERS.items()}
    for code, maker in makers.items():
        checkers = list(User.objects.filter(username__in=CHECKERS[code]).order_by("username"))
        used: set[str] = set()  # one county's IDs, across both funds
        for demo_fund in FUNDS:
            fund = Fund.objects.get(fiscal_year=2022, source_label=demo_fund.source_label)
            _fund_year(code, maker, checkers, fund, demo_fund, streams[demo_fund.source_label], used)


def load_region_year(code: str, source_label: str = "自治区") -> None:
    """One region's year of one fund, by the same steps as the demo year but on a stream of its own (the demo
    year's stream runs through every region in turn, so these are not its rows): a small real year for tests."""
    demo_fund = next(f for f in FUNDS if f.source_label == source_label)
    fund = Fund.objects.get(fiscal_year=2022, source_label=source_label)
    checkers = list(User.objects.filter(username__in=CHECKERS[code]).order_by("username"))
    maker = User.objects.get(username=MAKERS[code])
    _fund_year(code, maker, checkers, fund, demo_fund, random.Random(f"{demo_fund.seed}-{code}"), set())


def _fund_year(
    code: str,
    maker: User,
    checkers: list[User],
    fund: Fund,
    demo_fund: DemoFund,
    rng: random.Random,
    used: set[str],
) -> None:
    finals = _register(code, maker, checkers, fund, demo_fund)
    if not finals:
        return
    payments = _payments(code, finals, rng, demo_fund)
    voucher_rows = [list(p.row) for p in payments]
    label = demo_fund.source_label
    _import(
        maker, checkers, "payments", _csv(PAYMENT_HEADER, voucher_rows), f"{code}-2022-{label}-支付凭证.csv"
    )
    payouts = _payouts(code, payments, rng, used)
    if payouts:
        data = _csv(PAYOUT_HEADER, payouts)
        _import(maker, checkers, "payouts", data, f"{code}-2022-{label}-到人到户发放.csv")


def _approve_registration(registration: Registration, checkers: list[User]) -> None:
    """The region's checkers approve, one after the other, until the round is complete."""
    for checker in checkers:
        if review.approve(registration, checker).complete:
            return
    raise RuntimeError(f"演示数据：{registration}需要更多审核人员")


def _approve_batch(batch: ImportBatch, checkers: list[User]) -> None:
    for checker in checkers:
        if review.approve(batch, checker).complete:
            return
    raise RuntimeError(f"演示数据：{batch}需要更多审核人员")


def _register(
    code: str, maker: User, checkers: list[User], fund: Fund, demo_fund: DemoFund
) -> dict[Purpose, Decimal]:
    movements = list(  # the prefecture's plans (monitoring's demo adds a province receipt it passes down)
        Movement.objects.filter(
            region__code=code, fund=fund, fiscal_year=2022, plan__issuer__level="prefecture"
        ).order_by("received_on", "id")
    )
    if not movements:
        return {}
    base = sum((m.amount for m in movements if m.kind == "issue"), Decimal(0))
    final = sum((m.amount for m in movements), Decimal(0))
    weights = {Purpose.ORPHAN: 1} if code == "654200" else SHARES  # 地区本级: 地区社会福利院's orphans
    base_split, final_split = split(base, weights), split(final, weights)
    for serial, movement in enumerate(movements, start=1):
        existing = Registration.objects.filter(movement=movement).first()
        if existing is not None:
            if existing.status == Registration.SUBMITTED:
                _approve_registration(existing, checkers)
            continue
        if movement.kind == "issue":
            amounts, day = base_split, movement.received_on + datetime.timedelta(days=21)
        else:
            amounts = {p: final_split[p] - base_split[p] for p in weights}
            late = code == LATE
            day = movement.received_on + datetime.timedelta(days=45 if late else 15)
        lines = [RegistrationLine(code_for(code, p), p, a) for p, a in amounts.items() if a]
        registration, _ = do_register_receipt(
            actor=maker,
            movement=movement,
            cor_bgt_doc_no=_doc(code, serial, demo_fund),
            lines=lines,
            registered_on=day,
        )
        _approve_registration(registration, checkers)
    return final_split


PAYMENT_HEADER = [
    "pay_cert_no",
    "cor_bgt_doc_no",
    "exp_func_code",
    "pay_amt",
    "xpay_amt",
    "xpay_date",
    "payee_acct_name",
    "is_dir",
    "use_des",
]
#: The demo writes its payout files in the national template's column order.
PAYOUT_HEADER = list(TEMPLATE_13)


def _doc(code: str, serial: int, demo_fund: DemoFund) -> str:
    return f"{DOC_AGENCY[code]}〔2022〕{serial * 3 + demo_fund.doc_offset}号"


@dataclass(frozen=True)
class DemoPayment:
    """One voucher of the demo year: its row in the payment file and what the payout file needs of it."""

    row: list[object]
    purpose: Purpose
    month: int
    amount: Decimal
    number: str


def _payments(
    code: str, finals: dict[Purpose, Decimal], rng: random.Random, demo_fund: DemoFund
) -> list[DemoPayment]:
    doc = _doc(code, 1, demo_fund)
    out = []
    for purpose, amount in finals.items():
        months = [6, 12] if purpose is Purpose.VAGRANT else list(range(1, 13))
        paid = (amount * Decimal(PAID_SHARE.numerator) / Decimal(PAID_SHARE.denominator)).quantize(FEN)
        parts = largest_remainder(
            {str(m): Fraction(int(paid / FEN), len(months)) for m in months}, int(paid / FEN), FEN
        )
        for month in months:
            value = parts[str(month)]
            if not value:
                continue
            number = f"{demo_fund.voucher_prefix}{code}2022{list(Purpose).index(purpose) + 1}{month:02d}"
            payee = "塔城地区救助管理站" if purpose is Purpose.VAGRANT else f"{code}一卡通代发户"
            if code == "654200":
                payee = (
                    "地区社会福利院"  # 地区本级's orphans live in the home: paid to it, no payouts to persons
                )
            row: list[object] = [
                number,
                doc,
                code_for(code, purpose),
                value,
                value,
                f"2022-{month:02d}-{20 + rng.randint(0, 8)}",
                payee,
                "01",
                f"{purpose.label}{month}月",
            ]
            out.append(DemoPayment(row, purpose, month, value, number))
    return out


def _payouts(
    code: str, payments: list[DemoPayment], rng: random.Random, used_ids: set[str]
) -> list[list[object]]:
    rows: list[list[object]] = []
    pools: dict[Purpose, list[tuple[str, str, int]]] = {}
    for payment in payments:
        purpose = payment.purpose
        if purpose not in MONTHLY or code == "654200":
            continue
        target = payment.amount
        if payment.number == FAULT_VOUCHER:
            target -= FAULT_SLACK  # room on this voucher for the demo's fault rows
        pool = pools.setdefault(purpose, [])
        low, high = MONTHLY[purpose]
        index, remaining = 0, target
        while remaining > 0:
            if index >= len(pool):
                pool.append(_person(code, rng, used_ids))
            name, iden_no, town = pool[index]
            index += 1
            amount = min(Decimal(rng.randint(low, high)), remaining)
            remaining -= amount
            rows.append(
                [
                    f"{code}{town:03d}",
                    f"第{town}乡镇",
                    f"{code}{town:03d}001",
                    "一村",
                    name,
                    "01-身份证号",
                    iden_no,
                    "1-到人",
                    amount,
                    amount,
                    "",
                    f"{payment.month:02d}",
                    payment.number,
                ]
            )
    return rows


def _person(code: str, rng: random.Random, used: set[str]) -> tuple[str, str, int]:
    while True:
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randint(0, 27000))
        iden_no = with_check_digit(f"{code}{birth:%Y%m%d}{rng.randint(1, 999):03d}")
        if iden_no not in used:
            used.add(iden_no)
            break
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    return name, iden_no, rng.randint(1, 8)


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _import(actor: User, checkers: list[User], kind: str, data: bytes, name: str) -> None:
    """Import as the maker, then the checkers approve (a file imported before and still waiting, too)."""
    if actor.region is None:
        raise LookupError(f"演示数据：{actor.username}没有所属地区")
    outcome = do_import_file(actor=actor, kind=kind, region=actor.region, data=data, filename=name)
    if outcome.batch.awaiting_approval:
        _approve_batch(outcome.batch, checkers)
