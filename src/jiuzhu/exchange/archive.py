"""A region-month archive: export, check, import. See the package docstring."""

import calendar
import csv
import dataclasses
import datetime
import hashlib
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.accounts.models import User
from jiuzhu.accounts.scoping import scoped
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.money import MoneyError, parse_amount
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.domain.purposes import Purpose
from jiuzhu.ledger.models import ImportBatch, Movement, Payment, Payout, Registration
from jiuzhu.ledger.models import RegistrationLine as LineModel
from jiuzhu.ledger.services import do_import_file, do_register_receipt
from jiuzhu.ledger.services.batches import Progress, no_progress
from jiuzhu.regions.models import Region

FORMAT = "jiuzhu-exchange/1"
BOM = "\ufeff"
BGT, VOUCHERS, DETAIL = "BA_BGT_INFO.csv", "PAY_VOUCHER_BILL.csv", "PAY_DETAIL.csv"
#: Columns of each table, in data-element names (``purpose`` and ``budget_level_name`` are this system's: the
#: national elements have no 支出方向 or fund level).
COLUMNS = {
    BGT: [
        "bgt_id",
        "mof_div_code",
        "fiscal_year",
        "sup_bgt_doc_no",
        "cor_bgt_doc_no",
        "doc_date",
        "budget_level_name",
        "exp_func_code",
        "income_sort_code",
        "is_dir",
        "purpose",
        "amount",
    ],
    VOUCHERS: [
        "pay_cert_no",
        "mof_div_code",
        "cor_bgt_doc_no",
        "exp_func_code",
        "pay_amt",
        "xpay_amt",
        "xpay_date",
        "payee_acct_name",
        "is_dir",
        "pro_code",
        "use_des",
    ],
    DETAIL: [
        "pay_cert_no",
        "mof_div_code",
        "pro_code",
        "town_code",
        "town_name",
        "village_code",
        "village_name",
        "per_name",
        "iden_type",
        "iden_no",
        "to_peop_family",
        "pay_amt",
        "xpay_amt",
        "pay_month",
        "add_word",
        "acct_no",
    ],
}
TABLE_NAMES = {BGT: "指标", VOUCHERS: "支付凭证", DETAIL: "到人到户发放明细"}
TOTALS = {BGT: ["amount"], VOUCHERS: ["pay_amt", "xpay_amt"], DETAIL: ["pay_amt", "xpay_amt"]}


def _csv(name: str, rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[name])
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode("utf-8")


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _tables(user: Any, region: Region, year: int, month: int) -> dict[str, bytes]:
    lines = (
        scoped(LineModel.objects.all(), user, via="appropriation__region")
        .filter(
            appropriation__region=region,
            registration__status=Registration.APPROVED,
            registration__registered_on__lte=month_end(year, month),
            registration__movement__fiscal_year=year,
        )
        .select_related("appropriation__fund", "registration__movement")
        .order_by("registration__registered_on", "registration_id", "id")
    )
    bgt = [
        [
            x.appropriation.bgt_id,
            region.mof_div_code,
            year,
            x.registration.movement.sup_bgt_doc_no,
            x.registration.cor_bgt_doc_no,
            x.registration.registered_on.isoformat(),
            x.appropriation.fund.source_label,
            x.appropriation.exp_func_code,
            x.appropriation.income_code,
            x.appropriation.direct_fund_tag,
            x.appropriation.purpose,
            f"{x.amount:.2f}",
        ]
        for x in lines
    ]
    payouts = (
        scoped(Payout.objects.all(), user)
        .filter(
            Q(batch__approved_at__isnull=False), region=region, fiscal_year=year, pay_month=f"{month:02d}"
        )
        .order_by("id")
    )
    detail = payouts.values_list(
        *[c if c != "mof_div_code" else "region__mof_div_code" for c in COLUMNS[DETAIL]]
    )
    payments = (
        scoped(Payment.objects.all(), user)
        .filter(Q(xpay_date__year=year, xpay_date__month=month) | Q(pk__in=payouts.values("payment_id")))
        .filter(region=region, batch__approved_at__isnull=False)
        .select_related("appropriation")
        .order_by("xpay_date", "id")
    )
    vouchers = [
        [
            p.pay_cert_no,
            region.mof_div_code,
            _doc_of(p),
            p.exp_func_code,
            f"{p.pay_amt:.2f}",
            f"{p.xpay_amt:.2f}",
            p.xpay_date.isoformat(),
            p.payee_acct_name,
            p.direct_fund_tag,
            p.pro_code,
            p.use_des,
        ]
        for p in payments
    ]
    return {
        BGT: _csv(BGT, bgt),
        VOUCHERS: _csv(VOUCHERS, vouchers),
        DETAIL: _csv(DETAIL, ([f"{v:.2f}" if isinstance(v, Decimal) else v for v in row] for row in detail)),
    }


def _doc_of(payment: Payment) -> str:
    """The 本级文号 a voucher links by: the appropriation's first registration's (as the importer resolves it)."""
    return payment.appropriation.cor_bgt_doc_no


def _summary(name: str, data: bytes) -> dict[str, Any]:
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    totals = {c: str(sum((parse_amount(r[c]) for r in rows), Decimal("0.00"))) for c in TOTALS[name]}
    return {"name": name, "rows": len(rows), "totals": totals, "sha256": hashlib.sha256(data).hexdigest()}


@transaction.atomic
def export_month(*, actor: User, region: Region, year: int, month: int) -> bytes:
    """The archive of one region's month (approved data only). It carries whole 证件号码 (the receiving system
    books payouts by them), so only a role that may see them exports it."""
    require(actor, "ledger.export_ids")
    require_within(actor, region)
    tables = _tables(actor, region, year, month)
    summaries = [_summary(name, data) for name, data in tables.items()]
    manifest = {
        "format": FORMAT,
        "mof_div_code": region.mof_div_code,
        "fiscal_year": year,
        "month": month,
        "files": summaries,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in tables.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    record(
        actor=actor,
        action=AuditAction.EXCHANGE_EXPORT,
        entity=f"exchange:{region.mof_div_code}:{year}-{month:02d}",
        region_path=region.path,
        after={f["name"]: f["rows"] for f in summaries},
    )
    return out.getvalue()


# --- import ----------------------------------------------------------------------------------------------------
def _problem(code: str, message: str, entity: str = "") -> Problem:
    return Problem(code, message, Where(entity=entity))


def read_manifest(data: bytes) -> dict[str, Any]:
    """The manifest of an archive this system wrote."""
    manifest: dict[str, Any] = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    return manifest


def check_archive(data: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and the files, once every file's sha256, row count and totals agree with the manifest."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read("manifest.json"))
        files = {f["name"]: archive.read(f["name"]) for f in manifest["files"]}
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise InvalidInput(
            [_problem("BAD_ARCHIVE", "不是有效的交换文件（zip 文件或 manifest.json 有误）")]
        ) from exc
    problems: list[Problem] = []
    if manifest.get("format") != FORMAT or set(files) != set(COLUMNS):
        problems.append(_problem("BAD_MANIFEST", f"交换文件须为{FORMAT}格式，包含{'、'.join(COLUMNS)}"))
        raise InvalidInput(problems)
    for entry in manifest["files"]:
        name, body = entry["name"], files[entry["name"]]
        if hashlib.sha256(body).hexdigest() != entry.get("sha256"):
            problems.append(_problem("HASH_MISMATCH", "文件的sha256与清单不符，文件可能被改动或损坏", name))
            continue
        if not body.startswith(BOM.encode()):
            problems.append(_problem("NO_BOM", "文件须为带BOM的UTF-8编码", name))
        try:
            found = _summary(name, body)
        except (MoneyError, KeyError, UnicodeDecodeError):
            problems.append(_problem("BAD_TABLE", "文件的列或金额有误", name))
            continue
        if found["rows"] != entry.get("rows"):
            problems.append(
                _problem("ROWS_MISMATCH", f"清单记{entry.get('rows')}行，文件实有{found['rows']}行", name)
            )
        for column, total in found["totals"].items():
            if str(entry.get("totals", {}).get(column)) != total:
                problems.append(
                    _problem(
                        "TOTAL_MISMATCH",
                        f"“{column}”合计清单记{entry.get('totals', {}).get(column)}元，文件实为{total}元",
                        name,
                    )
                )
    if problems:
        raise InvalidInput(problems)
    return manifest, files


def import_month(*, actor: User, data: bytes, progress: Progress = no_progress) -> dict[str, Any]:
    """Check the archive, then book its tables through the ledger's services; all or nothing."""
    manifest, files = check_archive(data)
    return import_checked(actor=actor, manifest=manifest, files=files, progress=progress)


@transaction.atomic
def import_checked(
    *, actor: User, manifest: dict[str, Any], files: dict[str, bytes], progress: Progress = no_progress
) -> dict[str, Any]:
    """Book what ``check_archive`` returned (the command line shows the checked manifest before this)."""
    region = Region.objects.filter(mof_div_code=manifest["mof_div_code"]).first()
    if region is None:
        raise InvalidInput([_problem("UNKNOWN_REGION", f"财政区划代码“{manifest['mof_div_code']}”不存在")])
    require(actor, "ledger.import")
    require_within(actor, region)
    registrations = _register(actor, region, int(manifest["fiscal_year"]), files[BGT], progress)
    batches = {}
    for name, kind in ((VOUCHERS, ImportBatch.PAYMENTS), (DETAIL, ImportBatch.PAYOUTS)):
        if _rows(files[name]):

            def step(phase: str, done: int, total: int, name: str = name) -> None:
                progress(f"{name} {phase}", done, total)

            try:
                outcome = do_import_file(
                    actor=actor, kind=kind, region=region, data=files[name], filename=name, progress=step
                )
            except InvalidInput as exc:  # the file's rows, named with the file they are in
                raise InvalidInput([_in_file(p, name) for p in exc.problems]) from exc
            batches[name] = outcome.batch.pk
    record(
        actor=actor,
        action=AuditAction.EXCHANGE_IMPORT,
        entity=f"exchange:{region.mof_div_code}:{manifest['fiscal_year']}-{int(manifest['month']):02d}",
        region_path=region.path,
        after={"registrations": len(registrations), "batches": batches},
    )
    return {"registrations": registrations, "batches": batches}


def _in_file(problem: Problem, name: str) -> Problem:
    entity = f"文件{name}" + (f" {problem.where.entity}" if problem.where.entity else "")
    return dataclasses.replace(problem, where=dataclasses.replace(problem.where, entity=entity))


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _register(actor: User, region: Region, year: int, data: bytes, progress: Progress) -> list[int]:
    """One registration per receipt (上级文号 and fund level) with its lines, as the county's maker."""
    groups: dict[tuple[str, str, str, str], list[dict[str, str]]] = defaultdict(list)
    for row in _rows(data):
        key = (row["sup_bgt_doc_no"], row["budget_level_name"], row["cor_bgt_doc_no"], row["doc_date"])
        groups[key].append(row)
    made = []
    problems = []
    for done, ((sup, level, cor, date), rows) in enumerate(groups.items()):
        progress(f"{BGT} 登记指标", done, len(groups))
        movement = (
            Movement.objects.filter(
                region=region, fiscal_year=year, sup_bgt_doc_no=sup, fund__source_label=level
            )
            .exclude(registration__status__in=[Registration.APPROVED, Registration.SUBMITTED])
            .order_by("received_on", "id")
            .first()
        )
        if movement is None:
            problems.append(_problem("NO_RECEIPT", f"本地区没有待登记的指标“{sup}”（{level}）", BGT))
            continue
        lines = [
            RegistrationLine(r["exp_func_code"], Purpose(r["purpose"]), parse_amount(r["amount"]))
            for r in rows
        ]
        try:
            registration, _ = do_register_receipt(
                actor=actor,
                movement=movement,
                cor_bgt_doc_no=cor,
                lines=lines,
                registered_on=datetime.date.fromisoformat(date),
            )
        except ActionRefused as exc:
            problems.append(_problem("REGISTRATION_REFUSED", str(exc), f"{BGT} {sup}"))
            continue
        made.append(registration.pk)
    progress(f"{BGT} 登记指标", len(groups), len(groups))
    if problems:
        raise InvalidInput(problems)
    return made
