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

    def __init__(
        self,
        payouts: int,
        vouchers: int,
        *,
        counties: Sequence[str] = COUNTIES,
        weights: Sequence[float] | None = None,
        faulty_every: int = 100000,
        held: tuple[str, int] = HELD,
    ) -> None:
        """``weights``: each county's share of the vouchers (even by default); every ``faulty_every``-th person
        of a county and purpose (from the 7th) has a wrong check digit."""
        self.per_voucher = max(payouts // vouchers, 1)
        self.counties, self.faulty_every, self.held = list(counties), faulty_every, held
        shares = list(weights) if weights is not None else [1.0] * len(self.counties)
        per_county = _spread(vouchers, shares)
        self.vouchers: list[tuple[int, str, str, int]] = []  # (voucher id, county, purpose, month)
        for county, count in zip(self.counties, per_county, strict=True):
            combos = [(m, p) for m in range(1, 13) for p in PURPOSES]
            for (month, purpose), n in zip(combos, _spread(count, [1.0] * len(combos)), strict=True):
                self.vouchers.extend((0, county, purpose, month) for _ in range(n))
        self.vouchers.sort(key=lambda v: (v[3], self.counties.index(v[1]), PURPOSES.index(v[2])))
        self.vouchers = [(i, c, p, m) for i, (_, c, p, m) in enumerate(self.vouchers, start=1)]
        self._ids: dict[tuple[str, int], str] = {}
        self.appropriations: dict[tuple[str, str], Any] = {}
        self.batches: dict[Any, int] = {}  # county → payments batch, (county, month) → payouts batch

    def iden(self, county: str, person: int) -> str:
        key = (county, person)
        if key not in self._ids:
            self._ids[key] = _iden(county, person, self.faulty_every)
        return self._ids[key]


def _spread(total: int, shares: Sequence[float]) -> list[int]:
    """``total`` split by ``shares`` in whole numbers that add up to it (largest remainders)."""
    whole = sum(shares)
    exact = [total * s / whole for s in shares]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _iden(county: str, person: int, faulty_every: int) -> str:
    from jiuzhu.domain.identity import with_check_digit

    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=person // 1000)
    number = with_check_digit(f"{county}{birth:%Y%m%d}{person % 1000:03d}")
    if person % faulty_every == FAULTY_PERSON:
        return number[:17] + ("0" if number[17] != "0" else "1")
    return number


def build(payouts: int, vouchers: int, *, hold: bool, plan: Plan | None = None) -> Plan:
    """Write everything (but the held file when ``hold``); statistics taken after the load. ``plan``: another
    shape than the prefecture's (``bench.province``)."""
    from django.db import connection, transaction

    from jiuzhu.demo.seed import load_seed
    from jiuzhu.ledger import partitions
    from jiuzhu.ledger.payout_sums import store_parts

    load_seed()
    plan = plan or Plan(payouts, vouchers)
    with transaction.atomic():
        plan.appropriations, plan.batches = _foundation(plan)
        write("ledger_payment", PAYMENT_COLUMNS, _payments(plan))
        for a in plan.appropriations.values():  # PostgreSQL: each prefecture's leaf, as an import makes it
            partitions.ensure(2022, a.region_id)
        write("ledger_payout", PAYOUT_COLUMNS, _payouts(plan, lambda key: not (hold and key == plan.held)))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
                for table in ("ledger_payout", "ledger_payment"):  # the rows came with their ids
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
        store_parts(pk for key, pk in plan.batches.items() if isinstance(key, tuple))  # as approval does
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE ledger_payoutpart")
    return plan


def stored_plan(payouts: int, vouchers: int, **shape: Any) -> Plan:
    """The plan of data built earlier (``--reuse``): its appropriations and batches read back."""
    from jiuzhu.ledger.models import Appropriation, ImportBatch

    plan = Plan(payouts, vouchers, **shape)
    for a in Appropriation.objects.filter(bgt_id__startswith="BENCH-"):
        plan.appropriations[(a.bgt_id.split("-")[1], a.purpose)] = a
    for name, pk in ImportBatch.objects.filter(sha256__startswith="bench-").values_list("sha256", "pk"):
        parts = name.split("-")
        plan.batches[parts[2] if parts[1] == "pay" else (parts[2], int(parts[3]))] = pk
    return plan


def write_held(plan: Plan) -> int:
    """The held county's monthly file, as its import would store it (no ANALYZE: a small share)."""
    rows = list(_payouts(plan, lambda key: key == plan.held))
    write("ledger_payout", PAYOUT_COLUMNS, rows)
    return len(rows)


def delete_held(plan: Plan) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_payout WHERE batch_id = %s", [plan.batches[plan.held]])
        cursor.execute("DELETE FROM ledger_payoutpart WHERE batch_id = %s", [plan.batches[plan.held]])


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


def _foundation(plan: Plan) -> tuple[dict[tuple[str, str], Any], dict[Any, int]]:
    from django.utils import timezone

    from jiuzhu.funds.models import Fund
    from jiuzhu.ledger.models import Appropriation, ImportBatch, Movement, Registration, RegistrationLine

    fund = Fund.objects.get(fiscal_year=2022, source_label="自治区")
    now = timezone.now()
    appropriations: dict[tuple[str, str], Any] = {}
    batches: dict[Any, int] = {}
    template = Movement.objects.filter(fund=fund, kind="issue", region__level="county").first()
    assert template is not None
    for code in plan.counties:
        region = _county(code)
        movement = Movement.objects.filter(region=region, fund=fund, kind="issue").first()
        if movement is None:  # a county of the benchmark's own province: the seed's movement, copied
            movement = Movement.objects.get(pk=template.pk)
            movement.pk, movement.region = None, region
            movement.save()
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


def _county(code: str) -> Any:
    """The seed's county, or one made with its prefecture (the code's first four digits) under the province."""
    from jiuzhu.regions.models import Region

    found = Region.objects.filter(code=code).first()
    if found is not None:
        return found
    province = Region.objects.get(level="province")
    head = f"{code[:4]}00"
    prefecture, _ = Region.objects.get_or_create(
        code=head,
        defaults={
            "mof_div_code": f"{head}000",
            "name": f"{head}地区",
            "short_name": f"{head}地区",
            "level": "prefecture",
            "parent": province,
            "path": f"{province.path}{head}/",
        },
    )
    return Region.objects.create(
        code=code,
        mof_div_code=f"{code}000",
        name=f"{code}县",
        short_name=f"{code}县",
        level="county",
        parent=prefecture,
        path=f"{prefecture.path}{code}/",
    )


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
