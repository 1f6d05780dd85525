import io
from decimal import Decimal

import openpyxl
import pytest
from ledger_helpers import FIXTURES, HEADER_13, approve_batch, csv_bytes, valid_id
from python_calamine import CalamineWorkbook

from jiuzhu.core.errors import InvalidInput
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.io.exports import write_payouts_xlsx
from jiuzhu.ledger.models import ImportBatch, Payout
from jiuzhu.ledger.selectors import ledger_report, payouts_for_export
from jiuzhu.ledger.services import do_import_file

PERSON = (FIXTURES / "benefitPeopleByPerson.xls").read_bytes()
PROVINCIAL = (FIXTURES / "benifitPersonTemp.xls").read_bytes()


def payouts(actor, region, data, name="payouts.xlsx"):
    return do_import_file(actor=actor, kind="payouts", region=region, data=data, filename=name)


def edited(template: bytes, cells: dict[str, object]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    for ref, value in cells.items():
        sheet[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(name, iden_no, month, voucher="D012022-V02CTD-08061", due="600", paid="600", kind="身份证号"):
    return [
        "6542250001",
        "哈拉布拉镇",
        "654225000101",
        "一村",
        name,
        kind,
        iden_no,
        "到人",
        due,
        paid,
        "",
        month,
        voucher,
    ]


def test_sample_template_is_refused_naming_the_id_column_and_each_row(yumin, people, voucher):
    with pytest.raises(InvalidInput) as exc:
        payouts(people["ymx_cz_jb"], yumin, PERSON, name="benefitPeopleByPerson.xls")
    texts = [str(p) for p in exc.value.problems if p.code == "BAD_ID"]
    assert texts == [
        "工作表“到人到户资金发放明细表模板”，第3行，“证件号码”列：身份证号码应为18位，实为17位",
        "工作表“到人到户资金发放明细表模板”，第4行，“证件号码”列：身份证号码应为18位，实为17位",
    ]
    assert not Payout.objects.exists()
    assert ImportBatch.objects.get(kind="payouts").status == ImportBatch.REJECTED


def test_the_same_rows_with_valid_ids_import(yumin, people, voucher):
    data = edited(PERSON, {"G3": valid_id(serial=11), "G4": valid_id(serial=12)})
    outcome = payouts(people["ymx_cz_jb"], yumin, data, name="benefitPeopleByPerson.xls")
    stored = list(Payout.objects.order_by("row_no"))
    assert [
        (d.row_no, d.per_name, d.iden_type, d.pay_month, d.pay_cert_no, d.pay_amt, d.xpay_amt, d.purpose)
        for d in stored
    ] == [
        (3, "王老师", "01", "05", "D012022-V02CTD-08061", Decimal("344.00"), Decimal("40.00"), "dibao"),
        (4, "王老师", "01", "05", "D012022-V02CTD-08061", Decimal("344.00"), Decimal("40.00"), "dibao"),
    ]
    assert outcome.batch.rows_stored == 2 and not outcome.already_imported


def test_importing_twice_changes_nothing_and_says_so(yumin, people, voucher):
    data = edited(PERSON, {"G3": valid_id(serial=11), "G4": valid_id(serial=12)})
    payouts(people["ymx_cz_jb"], yumin, data)
    before = ledger_report(SystemActor())
    again = payouts(people["ymx_cz_jb"], yumin, data, name="renamed.xls")
    assert again.already_imported and "本次未作任何改动" in again.message
    assert ledger_report(SystemActor()) == before
    assert Payout.objects.count() == 2
    assert ImportBatch.objects.filter(status="done", kind="payouts").count() == 1


def test_the_provincial_14_column_template_with_coded_values(yumin, people, voucher):
    data = edited(
        PROVINCIAL,
        {
            "A2": "65422522331T000000239",
            "B2": "D012022-V02CTD-08061\n",
            "G2": "李四",
            "H2": "01-身份证号",
            "I2": valid_id(serial=21),
            "J2": "1-到人",
            "K2": 620,
            "L2": 620,
            "N2": "07",
        },
    )
    payouts(people["ymx_cz_jb"], yumin, data)
    (stored,) = Payout.objects.all()
    assert (stored.pro_code, stored.iden_type, stored.to_peop_family, stored.pay_month, stored.xpay_amt) == (
        "65422522331T000000239",
        "01",
        "01",
        "07",
        Decimal("620.00"),
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_any_encoding_with_month_spellings(yumin, people, voucher, encoding):
    rows = [
        row("张三", valid_id(serial=1), "5"),
        row("李四", valid_id(serial=2), "05月"),
        row("王五", valid_id(serial=3), "全年"),
        row("赵六", valid_id(serial=4), " 12 \n"),
    ]
    payouts(people["ymx_cz_jb"], yumin, csv_bytes(HEADER_13, rows, encoding), name="x.txt")
    assert sorted(Payout.objects.values_list("pay_month", flat=True)) == ["05", "05", "12", "全年"]


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] == "0" else "0")


def test_every_problem_of_the_file_at_once(yumin, people, voucher):
    rows = [
        # the header is line 1 of the CSV: data rows start at 2
        row("甲", valid_id(serial=1), "13"),  # 2 bad month
        row("乙", valid_id(serial=2), "5", due="500", paid="650"),  # 3 实发 > 应发
        row("丙", valid_id(serial=3), "5", due="-1", paid="0"),  # 4 negative
        row("丁", valid_id(serial=4), "5", due="10.005", paid="10"),  # 5 sub-fen
        row("戊", valid_id(serial=5), "5", voucher="NO-SUCH"),  # 6 unknown voucher
        row("己", valid_id(serial=6), "5"),  # 7
        row("己", valid_id(serial=6), "5月"),  # 8 duplicate of 7
        row("庚", wrong_check_digit(valid_id(serial=7)), "6"),  # 9 check digit
        row("辛", "E12345678", "6", kind="03-护照号"),  # 10 passport: no ID check
    ]
    with pytest.raises(InvalidInput) as exc:
        payouts(people["ymx_cz_jb"], yumin, csv_bytes(HEADER_13, rows))
    found = {(p.where.row, p.code) for p in exc.value.problems}
    assert found == {
        (2, "BAD_MONTH"),
        (3, "PAID_ABOVE_DUE"),
        (4, "NEGATIVE_AMOUNT"),
        (5, "BAD_AMOUNT"),
        (6, "UNKNOWN_VOUCHER"),
        (8, "DUPLICATE_IN_FILE"),
        (9, "BAD_ID"),
    }
    assert not Payout.objects.exists()


def test_sum_per_voucher_may_not_exceed_its_payment(yumin, people, voucher):
    rows = [row(f"人{i}", valid_id(serial=i), "6", due="700", paid="700") for i in range(1, 8)]  # 4,900.00
    payouts(people["ymx_cz_jb"], yumin, csv_bytes(HEADER_13, rows))
    more = [row("多", valid_id(serial=99), "6", due="100.01", paid="100.01")]
    with pytest.raises(InvalidInput) as exc:
        payouts(people["ymx_cz_jb"], yumin, csv_bytes(HEADER_13, more))
    (problem,) = exc.value.problems
    assert problem.code == "VOUCHER_OVERSPENT"
    assert problem.numbers == {
        "xpay_amt": Decimal("5000.00"),
        "paid_out": Decimal("4900.00"),
        "file": Decimal("100.01"),
    }


def test_a_person_month_purpose_already_stored_is_refused(yumin, people, voucher):
    payouts(people["ymx_cz_jb"], yumin, csv_bytes(HEADER_13, [row("甲", valid_id(serial=1), "6")]))
    with pytest.raises(InvalidInput) as exc:
        payouts(
            people["ymx_cz_jb"],
            yumin,
            csv_bytes(HEADER_13, [row("乙", valid_id(serial=2), "6"), row("甲", valid_id(serial=1), "06")]),
        )
    assert [(p.where.row, p.code) for p in exc.value.problems] == [(3, "DUPLICATE_STORED")]  # 2nd data row
    assert Payout.objects.count() == 1


def test_a_voucher_of_another_region_is_unknown(yumin, people, voucher):
    from jiuzhu.regions.models import Region

    tacheng = Region.objects.get(code="654201")
    with pytest.raises(InvalidInput) as exc:
        payouts(people["tcs_cz_jb"], tacheng, csv_bytes(HEADER_13, [row("甲", valid_id("654201"), "6")]))
    # 裕民县's 乡镇/村 codes are refused first: another county's
    assert sorted((p.code, p.where.row, p.where.column) for p in exc.value.problems) == [
        ("FOREIGN_CODE", 2, "村编码"),
        ("FOREIGN_CODE", 2, "街道(乡镇)编码"),
    ]
    assert not Payout.objects.exists()
    with pytest.raises(InvalidInput) as exc:
        own = ["6542010001", "和平街道", "654201000101", "一社区", *row("甲", valid_id("654201"), "6")[4:]]
        payouts(people["tcs_cz_jb"], tacheng, csv_bytes(HEADER_13, [own]))
    assert [p.code for p in exc.value.problems] == ["UNKNOWN_VOUCHER"]


def test_export_writes_the_template_back_and_it_reimports_the_same(yumin, people, voucher):
    rows = [
        row("张三", valid_id(serial=1), "5", due="620.50", paid="600"),
        row("=HYPERLINK()", valid_id(serial=2), "5"),
    ]
    outcome = payouts(people["ymx_cz_jb"], yumin, csv_bytes(HEADER_13, rows))
    assert not payouts_for_export(people["ymx_cz_jb"], region=yumin, fiscal_year=2022, month="05").exists()
    approve_batch(outcome.batch)  # only approved payouts go to the monitoring system
    stored = payouts_for_export(people["ymx_cz_jb"], region=yumin, fiscal_year=2022, month="05")
    data = write_payouts_xlsx(stored.values())
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "到人到户资金发放明细表"
    assert sheet[1] == HEADER_13
    assert sheet[2][4:10] == ["张三", "身份证号", valid_id(serial=1), "到人", 620.5, 600.0]
    assert sheet[3][4] == "'=HYPERLINK()"  # formula escaped
    from jiuzhu.domain.payouts import parse_payouts
    from jiuzhu.ledger.io.readers import read_table

    records, problems = parse_payouts(read_table(data))
    assert problems == []
    assert [(r.iden_no, r.pay_amt, r.xpay_amt, r.pay_month) for r in records] == [
        (valid_id(serial=1), 62050, 60000, "05"),
        (valid_id(serial=2), 60000, 60000, "05"),
    ]


def test_a_file_that_is_not_a_table_is_refused(yumin, people):
    with pytest.raises(InvalidInput) as exc:
        payouts(people["ymx_cz_jb"], yumin, b"\x00\x01binary" * 10, name="payouts.csv")
    assert [p.code for p in exc.value.problems] == ["NOT_A_TABLE"]
