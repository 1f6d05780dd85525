"""The set-based importer and the row-by-row reference agree: same problems (text, place, order, caps), or the same
rows stored. Small files with random faults, as CSV (UTF-8, UTF-8 with BOM, GB18030, clean or not, ragged) and
XLSX (numbers as numbers), against stored payouts and vouchers of two purposes and two budget years. Runs on
SQLite and, under `make test` with JIUZHU_TEST_DATABASE_URL, on PostgreSQL.
"""

import csv
import datetime
import io
from decimal import Decimal

import xlsxwriter
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from ledger_helpers import HEADER_13 as HEADER
from ledger_helpers import import_payments, register_yumin, valid_id

from jiuzhu.core.errors import InvalidInput
from jiuzhu.demo.faults import demo_only_insert_fault_payouts
from jiuzhu.domain import payout_problems, payouts
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.io.readers import read_payouts, read_table
from jiuzhu.ledger.models import ImportBatch, Payment, Payout
from jiuzhu.ledger.services import do_import_file
from jiuzhu.ledger.services.batches import batch_money
from jiuzhu.ledger.services.payout_import import region_vouchers

DIBAO, LINSHI, OTHER_YEAR = "D012022-V02CTD-08061", "V-LINSHI-01", "V-2023-01"
IDS = [valid_id(serial=n) for n in range(1, 7)]
BAD_IDS = [
    IDS[0][:-1] + ("1" if IDS[0][-1] == "0" else "0"),  # check digit
    IDS[1][:17],  # 17 digits
    "654225198013450015",  # no such date
    IDS[2][:6] + " " + IDS[2][6:],  # a space inside: compact
    "E12345678",
    "",
]
LOWER_X = next(i for i in (valid_id(serial=n) for n in range(1, 200)) if i.endswith("X")).lower()

POOL = [valid_id(serial=n) for n in range(7, 60)]


def mostly(good, bad):
    """A function of a fault rate (one cell in ``rate``; never when 0) to a strategy of ``good`` or ``bad``."""

    def cell(rate):
        if not rate:
            return st.sampled_from(good)
        return st.integers(1, rate).flatmap(lambda n: st.sampled_from(bad if n == 1 else good))

    return cell


texts = mostly(
    ["", "一村", " 二村 ", "第3乡镇", "654225001"], ["备注\n第二行", "a\tb", " 6542 25001", "x" * 70]
)
names = mostly(["张三", "李四", " 王五 ", "阿依古丽·买买提", "赵\u3000六"], ["", "=HYPERLINK()", "名" * 70])
kinds = mostly(["身份证号", "01-身份证号", "01", "身份证", " 01 ", "1"], ["03-护照号", "护照", "99", "x", ""])
idens = mostly([*POOL, LOWER_X], [*IDS, *BAD_IDS])
families = mostly(["到人", "1-到人", "01", "到户", "02-到户"], ["3", "每人", ""])
amounts = mostly(
    ["100", "120.5", "88.80", " 90 ", "0", "１００"], ["10.005", "-1", "abc", "", "1,234.00", "700"]
)
months = mostly(["5", "05", "5月", "05月", "全年", " 6 ", "12"], ["13", "0", "", "六月"])
vouchers = mostly([DIBAO, DIBAO, DIBAO + "\n", LINSHI], [OTHER_YEAR, "NO-SUCH", ""])


@st.composite
def payout_row(draw, rate=4):
    if draw(st.integers(0, 15)) == 0:
        return [""] * len(HEADER)  # a blank row
    due = draw(amounts(rate))
    paid = draw(mostly([due], ["50", "200", "100.01"])(rate))
    return [
        draw(texts(rate)),
        draw(texts(rate)),
        draw(texts(rate)),
        draw(texts(rate)),
        draw(names(rate)),
        draw(kinds(rate)),
        draw(idens(rate)),
        draw(families(rate)),
        due,
        paid,
        draw(texts(rate)),
        draw(months(rate)),
        draw(vouchers(rate)),
    ]


#: Per file: no faults at all, a few, or many.
rows = st.sampled_from([0, 0, 60, 8]).flatmap(
    lambda rate: st.lists(payout_row(rate), min_size=1, max_size=14)
)


clean = {  # cells without whitespace or quotes: PostgreSQL COPYs such a CSV untouched
    "names": mostly(["张三", "李四", "阿依古丽·买买提"], ["", "=1"]),
    "kinds": mostly(["身份证号", "01-身份证号"], ["03-护照号", "x"]),
    "idens": mostly([*POOL, LOWER_X], [IDS[0], BAD_IDS[0], BAD_IDS[1]]),
    "amounts": mostly(["100", "120.50"], ["10.005", "-1", "800"]),
    "months": mostly(["5", "05月", "全年"], ["13", ""]),
    "vouchers": mostly([DIBAO, LINSHI], [OTHER_YEAR, "NO-SUCH"]),
}


@st.composite
def clean_row(draw, rate=4):
    cell = {name: strategy(rate) for name, strategy in clean.items()}
    due = draw(cell["amounts"])
    return [
        "",
        "",
        "",
        "",
        draw(cell["names"]),
        draw(cell["kinds"]),
        draw(cell["idens"]),
        "到人",
        due,
        draw(st.one_of(st.just(due), cell["amounts"])),
        "",
        draw(cell["months"]),
        draw(cell["vouchers"]),
    ]


def as_csv(rows, encoding, ragged):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        if ragged and not any(row):
            out.write("\r\n")  # an empty line
        elif ragged and row[-3:] == ["", "", ""]:
            writer.writerow(row[:-2])  # a short row
        else:
            writer.writerow(row)
    return out.getvalue().encode(encoding)


def as_xlsx(rows, numbers):
    """``numbers``: which number-like cells are written as spreadsheet numbers (() or some of 6, 8, 9, 11)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("到人到户资金发放明细表模板")
    sheet.write_row(0, 0, ["到人到户资金发放明细表"])
    sheet.write_row(1, 0, HEADER)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if c in numbers and value.strip().isdigit():
                sheet.write_number(r, c, float(value))  # 证件号码 / amounts / months as numbers
            elif value:
                sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


files = st.one_of(
    st.builds(as_csv, rows, st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), st.booleans()),
    st.builds(
        as_csv,
        st.sampled_from([0, 0, 8]).flatmap(lambda rate: st.lists(clean_row(rate), max_size=14)),
        st.just("utf-8"),
        st.just(False),
    ),
    st.builds(as_xlsx, rows, st.sampled_from([(), (8, 9, 11), (6, 8, 9, 11)])),
)


class PayoutAgreementTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from jiuzhu.accounts.models import User
        from jiuzhu.demo import seed as demo
        from jiuzhu.regions.models import Region

        demo.load_seed()
        people = {u.username: u for u in User.objects.all()}
        register_yumin(people)
        cls.actor = people["ymx_cz_jb"]
        cls.region = Region.objects.get(code="654225")
        import_payments(
            cls.actor,
            cls.region,
            [
                [DIBAO, "裕财社〔2022〕3号", "2081902", "5000", "5000", "2022-05-10", "裕民县民政局"],
                [LINSHI, "裕财社〔2022〕3号", "2082001", "3000", "3000", "2022-05-10", "裕民县民政局"],
            ],
        )
        template = Payment.objects.get(pay_cert_no=DIBAO)
        Payment.objects.create(
            region=cls.region,
            appropriation=template.appropriation,
            batch=template.batch,
            fiscal_year=2023,
            pay_cert_no=OTHER_YEAR,
            exp_func_code=template.exp_func_code,
            pay_amt=Decimal(9000),
            xpay_amt=Decimal(9000),
            xpay_date=datetime.date(2023, 5, 10),
            payee_acct_name="裕民县民政局",
            direct_fund_tag=template.direct_fund_tag,
            row_no=9,
        )
        stored = as_csv(
            [["", "", "", "", "甲", "身份证号", IDS[0], "到人", "600", "600", "", "5", DIBAO]], "utf-8", 0
        )
        do_import_file(actor=cls.actor, kind="payouts", region=cls.region, data=stored, filename="s.csv")
        original = Payout.objects.get()
        fault = {
            f.name: getattr(original, f.name) for f in Payout._meta.fields if f.name not in ("id", "batch")
        }
        demo_only_insert_fault_payouts(
            actor=SystemActor(username="system:demo", is_demo_loader=True),
            payouts=[{**fault, "iden_no": IDS[1], "pay_month": "05", "per_name": "演示"}],
            reason="test",
        )

    def reference(self, data):
        vouchers = {number: v.info for number, v in region_vouchers(self.region).items()}
        stored = set(Payout.objects.values_list("iden_no", "pay_month", "purpose", "fiscal_year"))
        return payouts.validate_payouts(read_table(data), vouchers, stored=stored)

    def imported(self, data):
        before = set(Payout.objects.values_list("pk", flat=True))
        try:
            outcome = do_import_file(
                actor=self.actor, kind="payouts", region=self.region, data=data, filename="f"
            )
        except InvalidInput as exc:
            assert set(Payout.objects.values_list("pk", flat=True)) == before  # all or nothing
            return exc.problems, []
        rows = Payout.objects.filter(batch=outcome.batch).order_by("row_no")
        batch = ImportBatch.objects.get(pk=outcome.batch.pk)
        assert batch.amount == batch_money(batch)[0]  # the importer's own sum, handed to maker-checker
        return [], list(rows)

    def check(self, data):
        records, expected = self.reference(data)
        problems, stored = self.imported(data)
        assert problems == expected
        if not expected:
            vouchers = region_vouchers(self.region)
            assert [
                (
                    d.row_no,
                    d.pay_cert_no,
                    d.per_name,
                    d.iden_type,
                    d.iden_no,
                    d.to_peop_family,
                    int(d.pay_amt * 100),
                    int(d.xpay_amt * 100),
                    d.pay_month,
                    d.town_code,
                    d.town_name,
                    d.village_code,
                    d.village_name,
                    d.add_word,
                    d.purpose,
                    d.payment_id,
                )
                for d in stored
            ] == [
                (
                    r.row,
                    r.pay_cert_no,
                    r.per_name[:64],
                    r.iden_type,
                    r.iden_no,
                    r.to_peop_family,
                    r.pay_amt,
                    r.xpay_amt,
                    r.pay_month,
                    r.town_code[:32],
                    r.town_name[:64],
                    r.village_code[:32],
                    r.village_name[:64],
                    r.add_word[:200],
                    vouchers[r.pay_cert_no].info.purpose,
                    vouchers[r.pay_cert_no].payment_id,
                )
                for r in records
            ]
        kind = "xlsx" if data.startswith(b"PK") else "clean csv" if read_payouts(data).clean_csv else "csv"
        return f"{kind}, {'refused' if expected else 'stored'}"

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(files)
    def test_same_problems_or_same_rows(self, data):
        event(self.check(data))

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(payout_row(rate=2), min_size=8, max_size=20).map(lambda r: as_csv(r, "utf-8", False)))
    def test_same_caps(self, data):
        cap = payout_problems.PROBLEM_CAP
        payout_problems.PROBLEM_CAP = 2
        try:
            event(self.check(data))
        finally:
            payout_problems.PROBLEM_CAP = cap

    def test_a_clean_file_with_every_rule_broken_once(self):
        rows = [
            ["", "", "", "", "甲", "身份证号", IDS[2], "到人", "600", "600", "", "13", DIBAO],
            ["", "", "", "", "乙", "身份证号", IDS[3], "到人", "500", "650", "", "5", DIBAO],
            ["", "", "", "", "丙", "身份证号", BAD_IDS[0], "到人", "600", "600", "", "5", DIBAO],
            ["", "", "", "", "丁", "身份证号", IDS[4], "到人", "600", "600", "", "5", "NO-SUCH"],
            ["", "", "", "", "戊", "身份证号", IDS[5], "到人", "600", "600", "", "5", LINSHI],
            ["", "", "", "", "戊", "身份证号", IDS[5], "到人", "600", "600", "", "05", LINSHI],
            ["", "", "", "", "己", "身份证号", IDS[0], "到人", "600", "600", "", "5", DIBAO],
            ["", "", "", "", "庚", "身份证号", IDS[1], "到人", "600", "600", "", "5", DIBAO],
            ["", "", "", "", "辛", "身份证号", IDS[2], "到人", "600", "600", "", "全年", OTHER_YEAR],
        ]
        data = as_csv(rows, "utf-8", False)
        self.check(data)
        _, problems = self.reference(data)
        assert {p.code for p in problems} == {
            "BAD_MONTH",
            "PAID_ABOVE_DUE",
            "BAD_ID",
            "UNKNOWN_VOUCHER",
            "DUPLICATE_IN_FILE",
            "DUPLICATE_STORED",
            "MIXED_YEARS",
        }
        assert ImportBatch.objects.filter(status=ImportBatch.REJECTED).exists()
