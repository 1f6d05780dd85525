"""Importing a payment (voucher) file: checked against what the region may pay from in the vouchers' year (its
appropriations of the year and the balances carried into it), stored all or nothing."""

from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from jiuzhu.accounts.actors import Actor
from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain import payments as payment_rules
from jiuzhu.domain.problems import has_errors
from jiuzhu.regions.models import Region
from jiuzhu.yearend.closing import live_appropriations, recovered_from
from jiuzhu.yearend.models import LIVE

from ..models import Appropriation, ImportBatch, Payment, Registration
from ..models import RegistrationLine as LineModel
from ..statistics import refresh_after_load
from .appropriations import LIVE_LINES
from .batches import Progress, mark_done, sorted_problems

ZERO = Decimal(0)


def _appropriation_infos(
    region: Region, fiscal_year: int
) -> tuple[
    list[payment_rules.AppropriationInfo], list[payment_rules.AppropriationInfo], dict[str, Appropriation]
]:
    """What a payment file of ``fiscal_year`` may draw on: the year's appropriations and the balances carried
    into it by an approved year-end close (``yearend.closing.live_appropriations``), each with registrations
    submitted or approved, less every payment not returned and every 收回 submitted or approved; and the region's
    other appropriations, to name them when a voucher points at one.

    Approving the file checks the approved figures again (``_batch_fits``)."""
    live = set(
        live_appropriations(year=fiscal_year, region=region)
        .filter(region=region)
        .values_list("pk", flat=True)
    )
    appropriations = {a.bgt_id: a for a in Appropriation.objects.filter(region=region)}
    registered = dict(
        Appropriation.objects.filter(region=region)
        .values_list("bgt_id")
        .annotate(t=Sum("lines__amount", filter=LIVE_LINES))
        .values_list("bgt_id", "t")
    )
    paid = dict(
        Appropriation.objects.filter(region=region)
        .values_list("bgt_id")
        .annotate(t=Sum("payments__xpay_amt"))
        .values_list("bgt_id", "t")
    )
    recovered = recovered_from(list(live), states=LIVE)
    docs: dict[str, set[str]] = {}
    for bgt_id, doc in (
        LineModel.objects.filter(appropriation__region=region)
        .exclude(registration__status=Registration.RETURNED)
        .values_list("appropriation__bgt_id", "registration__cor_bgt_doc_no")
    ):
        docs.setdefault(bgt_id, set()).add(doc)
    infos = {
        a.bgt_id: payment_rules.AppropriationInfo(
            bgt_id=a.bgt_id,
            cor_bgt_doc_nos=frozenset(docs.get(a.bgt_id, set())),
            exp_func_code=a.exp_func_code,
            is_dir=a.direct_fund_tag,
            available=(registered.get(a.bgt_id) or ZERO)
            - (paid.get(a.bgt_id) or ZERO)
            - (recovered.get(a.pk) or ZERO),
            fiscal_year=a.fiscal_year,
        )
        for a in appropriations.values()
    }
    usable = [infos[a.bgt_id] for a in appropriations.values() if a.pk in live]
    others = [infos[a.bgt_id] for a in appropriations.values() if a.pk not in live]
    return usable, others, appropriations


def _budget_year(records: list[payment_rules.PaymentRecord], region: Region) -> int:
    """The year of the vouchers' 支付日期; for a file without a readable voucher, the latest year of the region's
    appropriations (or this year): its problems are reported all the same."""
    year = payment_rules.voucher_year(records)
    if year is not None:
        return year
    latest = (
        Appropriation.objects.filter(region=region)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
    )
    return latest.first() or timezone.localdate().year


def import_payments(batch: ImportBatch, table: Any, track: Progress, *, actor: Actor, ip: str) -> int:
    records, problems = payment_rules.parse_payments(table)
    track("校验", len(records), len(records))
    with transaction.atomic():
        region = Region.objects.select_for_update().get(pk=batch.region_id)  # one import per region at a time
        fiscal_year = _budget_year(records, region)
        infos, others, appropriations = _appropriation_infos(region, fiscal_year)
        stored_numbers = set(
            Payment.objects.filter(region=region, fiscal_year=fiscal_year).values_list(
                "pay_cert_no", flat=True
            )
        )
        links, cross = payment_rules.check_payments(
            records,
            appropriations=infos,
            fiscal_year=fiscal_year,
            stored_numbers=stored_numbers,
            sheet=table.sheet,
            elsewhere=others,
        )
        problems += cross
        if has_errors(problems):
            raise InvalidInput(sorted_problems(problems))
        Payment.objects.bulk_create(
            Payment(
                region=region,
                appropriation=appropriations[links[r.row].bgt_id],
                batch=batch,
                fiscal_year=fiscal_year,
                pay_cert_no=r.pay_cert_no,
                exp_func_code=r.exp_func_code,
                pay_amt=r.pay_amt,
                xpay_amt=r.xpay_amt,
                xpay_date=r.xpay_date,
                payee_acct_name=r.payee_acct_name[:128],
                pro_code=r.pro_code,
                use_des=r.use_des[:200],
                direct_fund_tag=links[r.row].is_dir,
                row_no=r.row,
            )
            for r in records
        )
        with connection.cursor() as cursor:
            refresh_after_load(cursor, Payment._meta.db_table, len(records))
        total = sum((r.xpay_amt for r in records), Decimal(0))
        mark_done(
            batch, len(records), actor=actor, ip=ip, summary={"xpay_amt": str(total)}, fiscal_year=fiscal_year
        )
    return len(records)
