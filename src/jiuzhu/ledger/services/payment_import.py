"""Importing a payment (voucher) file: checked against the region's appropriations, stored all or nothing."""

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

from ..models import Appropriation, ImportBatch, Payment, Registration
from ..models import RegistrationLine as LineModel
from ..statistics import refresh_after_load
from .appropriations import LIVE_LINES
from .batches import Progress, mark_done, sorted_problems


def _appropriation_infos(
    region: Region,
) -> tuple[list[payment_rules.AppropriationInfo], dict[str, Appropriation]]:
    """What a payment file may draw on: registrations submitted or approved, less every payment not returned.

    Approving the file checks the approved figures again (``_batch_fits``)."""
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
    docs: dict[str, set[str]] = {}
    for bgt_id, doc in (
        LineModel.objects.filter(appropriation__region=region)
        .exclude(registration__status=Registration.RETURNED)
        .values_list("appropriation__bgt_id", "registration__cor_bgt_doc_no")
    ):
        docs.setdefault(bgt_id, set()).add(doc)
    infos = [
        payment_rules.AppropriationInfo(
            bgt_id=a.bgt_id,
            cor_bgt_doc_nos=frozenset(docs.get(a.bgt_id, set())),
            exp_func_code=a.exp_func_code,
            is_dir=a.direct_fund_tag,
            available=(registered.get(a.bgt_id) or Decimal(0)) - (paid.get(a.bgt_id) or Decimal(0)),
        )
        for a in appropriations.values()
    ]
    return infos, appropriations


def import_payments(batch: ImportBatch, table: Any, track: Progress, *, actor: Actor, ip: str) -> int:
    records, problems = payment_rules.parse_payments(table)
    track("校验", len(records), len(records))
    with transaction.atomic():
        region = Region.objects.select_for_update().get(pk=batch.region_id)  # one import per region at a time
        infos, appropriations = _appropriation_infos(region)
        years = {a.fiscal_year for a in appropriations.values()} or {timezone.localdate().year}
        fiscal_year = max(years)
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
