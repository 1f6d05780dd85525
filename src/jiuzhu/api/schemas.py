"""The shapes of the API, named by the data elements of ``reference/data-elements.md``.

Amounts are strings of 元 with exactly two decimal places (``"5000.00"``), codes are strings, dates ISO 8601.
"""

from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from jiuzhu.domain.money import from_fen, to_fen

Amount = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["5000.00"])]


def yuan(value: Decimal | None) -> str:
    """A stored amount as the API writes it: 元 with two places."""
    return f"{from_fen(to_fen(value or Decimal(0))):.2f}"


class Cursor(Schema):
    next_cursor: str = Field(description="下一页的游标；没有更多数据时也返回，之后新增的数据从这里接着读")
    has_more: bool


class RegionOut(Schema):
    mof_div_code: str
    mof_div_name: str
    adm_div_code: str = Field(description="行政区划代码（6位）")
    level: str
    sup_mof_div_code: str | None


class RegionPage(Cursor):
    items: list[RegionOut]


class FundOut(Schema):
    fund_id: int
    fund_name: str
    fiscal_year: str
    income_sort_code: str
    is_dir: str
    budget_level_name: str = Field(description="资金来源级次：中央 / 自治区 …")
    exp_func_codes: list[str]


class FundPage(Cursor):
    items: list[FundOut]


class PlanRowOut(Schema):
    mof_div_code: str
    amount: Amount = Field(description="(1) 原下达数")
    dis_amt: Amount = Field(description="(2) 调减")
    add_amt: Amount = Field(description="(3) 调增")
    cur_amt: Amount = Field(description="(5) 调整后")


class PlanOut(Schema):
    plan_id: int
    cor_bgt_doc_no: str
    bgt_doc_title: str
    doc_date: str
    mof_div_code: str = Field(description="发文的财政区划")
    fund_id: int
    kind: str
    status: str
    rows: list[PlanRowOut]


class PlanPage(Cursor):
    items: list[PlanOut]


class MovementOut(Schema):
    """One registration line of the appropriation: which receipt (上级文号) it books, how much, in which state."""

    sup_bgt_doc_no: str
    cor_bgt_doc_no: str
    kind: str
    amount: Amount
    doc_date: str = Field(description="接收日期")
    status: str


class AppropriationOut(Schema):
    bgt_id: str
    mof_div_code: str
    fiscal_year: str
    cor_bgt_doc_no: str
    exp_func_code: str
    income_sort_code: str
    is_dir: str
    purpose: str
    fund_id: int
    amount: Amount = Field(description="已审核登记的指标金额")
    movements: list[MovementOut]


class AppropriationPage(Cursor):
    items: list[AppropriationOut]


class RegistrationLineOut(Schema):
    bgt_id: str
    exp_func_code: str
    purpose: str
    amount: Amount


class RegistrationOut(Schema):
    registration_id: int
    mof_div_code: str
    sup_bgt_doc_no: str
    cor_bgt_doc_no: str
    registered_on: str
    status: str
    amount: Amount
    lines: list[RegistrationLineOut]


class RegistrationPage(Cursor):
    items: list[RegistrationOut]


class PaymentOut(Schema):
    pay_cert_id: int
    pay_cert_no: str
    bgt_id: str
    mof_div_code: str
    fiscal_year: str
    exp_func_code: str
    pay_amt: Amount
    xpay_amt: Amount
    xpay_date: str
    payee_acct_name: str
    pro_code: str
    use_des: str
    is_dir: str


class PaymentPage(Cursor):
    items: list[PaymentOut]


class PayoutOut(Schema):
    tracking_id: int = Field(description="业务追溯识别码（本系统的发放记录号）")
    pay_cert_no: str
    mof_div_code: str
    fiscal_year: str
    pro_code: str
    town_code: str
    town_name: str
    village_code: str
    village_name: str
    per_name: str
    iden_type: str
    iden_no: str = Field(description="证件号码；无权查看完整号码时为脱敏后的号码")
    to_peop_family: str
    pay_amt: Amount
    xpay_amt: Amount
    pay_month: str
    add_word: str
    acct_no: str


class PayoutPage(Cursor):
    items: list[PayoutOut]


class FindingOut(Schema):
    finding_id: int
    rule: str
    severity: str
    state: str
    mof_div_code: str
    fiscal_year: str
    purpose: str
    month: str
    message: str
    due_on: str | None


class FindingPage(Cursor):
    items: list[FindingOut]


class UsageLineOut(Schema):
    cor_bgt_doc_no: str
    fund_name: str
    agency_name: str = Field(description="该行所属预算单位的名称；空为地区自身的行")
    amount: Amount
    pay_amt: Amount = Field(description="实际支出金额")
    purposes: str
    lagging: bool
    reason: str
    measures: str


class UsageReportOut(Schema):
    report_id: int
    mof_div_code: str
    agency_code: str = Field(description="单位代码：预算单位的表；空为地区的表")
    agency_name: str = Field(description="单位名称")
    fiscal_year: str
    month: int
    status: str
    lines: list[UsageLineOut]


class UsageReportPage(Cursor):
    items: list[UsageReportOut]


class ExecutionLineOut(Schema):
    bgt_id: str
    mof_div_code: str
    fiscal_year: str
    purpose: str
    exp_func_code: str
    is_dir: str
    amount: Amount = Field(description="已登记")
    pay_app_amt: Amount = Field(description="已支付")
    paid_out_amt: Amount = Field(description="已发放到人到户")
    cur_amt: Amount = Field(description="指标余额")


class ExecutionOut(Schema):
    fiscal_year: str | None
    items: list[ExecutionLineOut]
