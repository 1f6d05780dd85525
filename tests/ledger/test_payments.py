from decimal import Decimal

import pytest
from ledger_helpers import import_payments

from jiuzhu.core.errors import InvalidInput
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.models import Appropriation, Payment
from jiuzhu.ledger.selectors import ledger_report
from jiuzhu.ledger.services import do_import_file


def voucher(no, amount, date="2022-06-30", doc="裕财社〔2022〕3号", code="2081902"):
    return [no, doc, code, amount, amount, date, "裕民县民政局"]


def test_vouchers_link_to_the_appropriation_and_reduce_its_balance(yumin, people):
    import_payments(people["ymx_cz_jb"], yumin, [voucher("V1", "1000000"), voucher("V2", "500000.50")])
    dibao = Appropriation.objects.get(region=yumin, purpose="dibao")
    assert {p.appropriation_id for p in Payment.objects.all()} == {dibao.pk}
    assert {p.direct_fund_tag for p in Payment.objects.all()} == {"01"}
    line = next(x for x in ledger_report(SystemActor())["regions"] if x["mof_div_code"] == "654225000")
    dibao_line = next(x for x in line["appropriations"] if x["purpose"] == "dibao")
    assert dibao_line["paid"] == "1500000.50"
    assert dibao_line["balance"] == str(Decimal("2470000.00") - Decimal("1500000.50"))


def test_chinese_titles_and_bgt_id_are_accepted(yumin, people):
    from ledger_helpers import csv_bytes

    bgt_id = Appropriation.objects.get(region=yumin, purpose="linshi").bgt_id
    data = csv_bytes(
        [
            "支付凭证号*",
            "指标主键",
            "支出功能分类科目",
            "支付金额",
            "实际支付金额",
            "实际支付日期",
            "收款人全称",
            "直达资金标识",
        ],
        [["L1", bgt_id, "2082001", "8,000.00", "8000", "2022/7/1", "某某", "01-中央直达资金"]],
        "gb18030",
    )
    do_import_file(actor=people["ymx_cz_jb"], kind="payments", region=yumin, data=data, filename="zf.csv")
    assert Payment.objects.get().xpay_amt == Decimal("8000.00")


def test_overspend_code_tag_and_year_are_refused_all_at_once(yumin, people):
    from ledger_helpers import csv_bytes

    rows = [
        [
            "A1",
            "裕财社〔2022〕3号",
            "2082001",
            "90000",
            "90000",
            "2022-03-01",
            "x",
            "",
        ],  # exactly the balance
        ["A2", "裕财社〔2022〕3号", "2082001", "0.01", "0.01", "2022-03-02", "x", ""],  # overspend by 0.01
        ["A3", "裕财社〔2022〕41号", "2082001", "10", "10", "2022-03-03", "x", ""],  # code differs
        ["A4", "裕财社〔2022〕3号", "2081902", "10", "10", "2022-03-04", "x", "09"],  # tag differs
        ["A5", "裕财社〔2022〕3号", "2081902", "10", "10", "2023-01-01", "x", ""],  # outside 2022
        ["A5", "裕财社〔2022〕3号", "2081902", "10", "10", "2022-01-01", "x", ""],  # duplicate number
        ["A7", "裕财社〔2022〕99号", "2081902", "10", "10", "2022-01-01", "x", ""],  # unknown
    ]
    header = [
        "pay_cert_no",
        "cor_bgt_doc_no",
        "exp_func_code",
        "pay_amt",
        "xpay_amt",
        "xpay_date",
        "payee",
        "is_dir",
    ]
    with pytest.raises(InvalidInput) as exc:
        do_import_file(
            actor=people["ymx_cz_jb"],
            kind="payments",
            region=yumin,
            data=csv_bytes(header, rows),
            filename="p.csv",
        )
    assert [(p.where.row, p.code) for p in exc.value.problems] == [
        (3, "OVERSPEND"),
        (4, "CODE_MISMATCH"),
        (5, "TAG_MISMATCH"),
        (6, "OUTSIDE_YEAR"),
        (7, "DUPLICATE_IN_FILE"),
        (8, "UNKNOWN_APPROPRIATION"),
    ]
    assert not Payment.objects.exists()


def test_a_voucher_number_is_imported_once(yumin, people):
    import_payments(people["ymx_cz_jb"], yumin, [voucher("V1", "100")])
    with pytest.raises(InvalidInput) as exc:
        import_payments(people["ymx_cz_jb"], yumin, [voucher("V1", "100"), voucher("V3", "1")])
    assert [p.code for p in exc.value.problems] == ["DUPLICATE_STORED"]


def test_another_county_cannot_import_for_yumin(yumin, people):
    from jiuzhu.core.errors import ActionRefused

    with pytest.raises(ActionRefused):
        import_payments(people["tcs_cz_jb"], yumin, [voucher("V1", "100")])
