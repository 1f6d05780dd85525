"""The data of the monitoring benchmark, written set-based (COPY on PostgreSQL), not through the importer.

Shape (like a prefecture's year): 7 counties × 5 purposes, one appropriation each with an approved registration;
the vouchers spread evenly over county, purpose and month (one payments batch per county); every voucher pays
``payouts // vouchers`` people (60 元 each), the same people of a county and purpose every month, each person
with a valid GB 11643 number and an account of their own; one payouts batch per county and month (the county's
monthly file). Rows are written month by month, as the files arrive. People paid twice in a month, so that
the duplicate and account rules read real rows: every tenth 临时救助 recipient of a county is one of its 低保
recipients (paid under both purposes each month: allowed, no finding), and every 500th 临时救助 recipient of
``TWICE[1]`` is also paid as the same one of ``TWICE[0]`` (a cross-county duplicate each month). Deliberate
faults: those cross-county duplicates, and the people numbered 7 in each county and purpose carry a wrong
check digit (35 ``invalid_id`` findings), so that a run has findings to reconcile. One county's December file
(``HELD``) can be held back and written later, as the file whose arrival the re-run follows.
"""

import datetime
from collections.abc import Iterator, Sequence
from typing import Any

COUNTIES = ["654201", "654221", "654202", "654203", "654224", "654225", "654226"]
PURPOSES = ["dibao", "tekun", "linshi", "liulang", "guer"]
CODES = {"dibao": "2081902", "tekun": "2082102", "linshi": "2082001", "liulang": "2082002", "guer": "2081001"}
HELD = ("654225", 12)
"""The county and month of the file the re-run follows."""
FEN = 60000
FAULTY_PERSON = 7
TWICE = ("654201", "654221")
"""The two counties where some 临时救助 recipients are the same people (``_person``)."""

PAYMENT_COLUMNS = (
    "id, region_id, appropriation_id, batch_id, fiscal_year, pay_cert_no, exp_func_code, pay_amt, xpay_amt,"
    " xpay_date, payee_acct_name, pro_code, use_des, direct_fund_tag, row_no"
)
PAYOUT_COLUMNS = (
    "id, region_id, payment_id, batch_id, fiscal_year, purpose, row_no, pay_cert_no, per_name, iden_type,"
    " iden_no, to_peop_family, pay_amt, xpay_amt, pay_month, acct_no"
)


class Plan:
    """Which vouchers and payouts exist, computed (not stored) so that the held file can be written later."""

    def __init__(self, payouts: int, vouchers: int) -> None:
        self.per_voucher = max(payouts // vouchers, 1)
        combos = [(m, c, p) for m in range(1, 13) for c in COUNTIES for p in PURPOSES]
        base, extra = divmod(vouchers, len(combos))
        self.vouchers: list[tuple[int, str, str, int]] = []  # (voucher id, county, purpose, month)
        for i, (month, county, purpose) in enumerate(combos):
            for _ in range(base + (1 if i < extra else 0)):
                self.vouchers.append((len(self.vouchers) + 1, county, purpose, month))
        self._ids: dict[tuple[str, int], str] = {}
        self.appropriations: dict[tuple[str, str], Any] = {}
        self.batches: dict[Any, int] = {}  # county → payments batch, (county, month) → payouts batch

    def iden(self, county: str, person: int) -> str:
        key = (county, person)
        if key not in self._ids:
            self._ids[key] = _iden(county, person)
        return self._ids[key]


def _iden(county: str, person: int) -> str:
    from jiuzhu.domain.identity import with_check_digit

    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=person // 1000)
    number = with_check_digit(f"{county}{birth:%Y%m%d}{person % 1000:03d}")
    if person % 100000 == FAULTY_PERSON:
        return number[:17] + ("0" if number[17] != "0" else "1")
    return number


def build(payouts: int, vouchers: int, *, hold: bool) -> Plan:
    """Write everything (but the ``HELD`` file when ``hold``); statistics taken after the load."""
    from django.db import connection, transaction

    from jiuzhu.demo.seed import load_seed
    from jiuzhu.ledger.payout_sums import store_parts

    load_seed()
    plan = Plan(payouts, vouchers)
    with transaction.atomic():
        plan.appropriations, plan.batches = _foundation()
        write("ledger_payment", PAYMENT_COLUMNS, _payments(plan))
        write("ledger_payout", PAYOUT_COLUMNS, _payouts(plan, lambda key: not (hold and key == HELD)))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        store_parts(pk for key, pk in plan.batches.items() if isinstance(key, tuple))  # as approval does
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE ledger_payoutpart")
    return plan


def stored_plan(payouts: int, vouchers: int) -> Plan:
    """The plan of data built earlier (``--reuse``): its appropriations and batches read back."""
    from jiuzhu.ledger.models import Appropriation, ImportBatch

    plan = Plan(payouts, vouchers)
    for a in Appropriation.objects.filter(bgt_id__startswith="BENCH-"):
        plan.appropriations[(a.bgt_id.split("-")[1], a.purpose)] = a
    for name, pk in ImportBatch.objects.filter(sha256__startswith="bench-").values_list("sha256", "pk"):
        parts = name.split("-")
        plan.batches[parts[2] if parts[1] == "pay" else (parts[2], int(parts[3]))] = pk
    return plan


def write_held(plan: Plan) -> int:
    """The ``HELD`` county's monthly file, as its import would store it (no ANALYZE: a small share)."""
    rows = list(_payouts(plan, lambda key: key == HELD))
    write("ledger_payout", PAYOUT_COLUMNS, rows)
    return len(rows)


def delete_held(plan: Plan) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_payout WHERE batch_id = %s", [plan.batches[HELD]])
        cursor.execute("DELETE FROM ledger_payoutpart WHERE batch_id = %s", [plan.batches[HELD]])


def write(table: str, columns: str, rows: Iterator[Sequence[Any]] | list[Sequence[Any]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns.split(",")))
        raw = cursor.cursor.connection  # sqlite3: Django's wrapper would rewrite each row's placeholders
        raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _foundation() -> tuple[dict[tuple[str, str], Any], dict[Any, int]]:
    from django.utils import timezone

    from jiuzhu.funds.models import Fund
    from jiuzhu.ledger.models import Appropriation, ImportBatch, Movement, Registration, RegistrationLine
    from jiuzhu.regions.models import Region

    fund = Fund.objects.get(fiscal_year=2022, source_label="自治区")
    now = timezone.now()
    appropriations: dict[tuple[str, str], Any] = {}
    batches: dict[Any, int] = {}
    for code in COUNTIES:
        region = Region.objects.get(code=code)
        movement = Movement.objects.filter(region=region, fund=fund, kind="issue").first()
        assert movement is not None
        registration = Registration.objects.create(
            movement=movement,
            cor_bgt_doc_no=f"BENCH-{code}",
            registered_on=datetime.date(2022, 2, 1),
            registered_by_id=1,
            status="approved",
            approved_at=now,
        )
        for purpose in PURPOSES:
            a = Appropriation.objects.create(
                bgt_id=f"BENCH-{code}-{purpose}",
                region=region,
                fund=fund,
                fiscal_year=2022,
                exp_func_code=CODES[purpose],
                purpose=purpose,
                cor_bgt_doc_no=f"BENCH-{code}",
                income_code=fund.income_code,
                direct_fund_tag="01",
            )
            RegistrationLine.objects.create(registration=registration, appropriation=a, amount=10**12)
            appropriations[(code, purpose)] = a
        files = [("payments", code, f"bench-pay-{code}")]
        files += [("payouts", (code, month), f"bench-d-{code}-{month:02d}") for month in range(1, 13)]
        for kind, key, name in files:
            batch = ImportBatch.objects.create(
                kind=kind,
                region=region,
                filename=name,
                sha256=name,
                size=0,
                stored_path="",
                status="done",
                review_status="approved",
                approved_at=now,
                created_by="bench",
                fiscal_year=2022,
            )
            batches[key] = batch.pk
    return appropriations, batches


def _payments(plan: Plan) -> Iterator[tuple[Any, ...]]:
    amount = plan.per_voucher * FEN
    for v, county, purpose, month in plan.vouchers:
        a = plan.appropriations[(county, purpose)]
        yield (
            v,
            a.region_id,
            a.pk,
            plan.batches[county],
            2022,
            f"BV{v:07d}",
            a.exp_func_code,
            amount,
            amount,
            datetime.date(2022, month, 20),
            "一卡通代发户",
            "",
            "",
            "01",
            v,
        )


def _payouts(plan: Plan, wanted: Any) -> Iterator[tuple[Any, ...]]:
    seat: dict[tuple[str, str, int], int] = {}  # the next person of a county, purpose and month
    for v, county, purpose, month in plan.vouchers:
        start = seat.get((county, purpose, month), 0)
        seat[(county, purpose, month)] = start + plan.per_voucher
        if not wanted((county, month)):
            continue
        a = plan.appropriations[(county, purpose)]
        batch = plan.batches[(county, month)]
        for k in range(start, start + plan.per_voucher):
            county_of_id, person = _person(county, purpose, k)
            n = v * plan.per_voucher + k - start  # unique and stable, so the held file keeps its ids
            yield (
                n,
                a.region_id,
                v,
                batch,
                2022,
                purpose,
                k - start + 1,
                f"BV{v:07d}",
                "某",
                "01",
                plan.iden(county_of_id, person),
                "01",
                FEN,
                FEN,
                f"{month:02d}",
                f"62{county}{person:08d}",
            )


def _person(county: str, purpose: str, k: int) -> tuple[str, int]:
    """Whose number the ``k``-th recipient of a county and purpose carries: the county's own person of that
    purpose, but for the people paid twice in a month (see the module's docstring)."""
    if purpose == "linshi" and county == TWICE[1] and k % 500 == 5:
        return TWICE[0], PURPOSES.index(purpose) * 100000 + k
    if purpose == "linshi" and k % 10 == 0:
        return county, k  # the county's 低保 recipient k
    return county, PURPOSES.index(purpose) * 100000 + k
