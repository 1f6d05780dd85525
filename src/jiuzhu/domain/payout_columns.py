"""The columns of a 到人到户发放 (payout) file: element names, their Chinese titles, the two templates' orders,
which elements are codes, the stored length limits and the coded values (证件类型, 按户或按人补助)."""

from .tabular import Header, Table, alias_index, find_header

#: element → accepted Chinese titles (the templates' own, without the ``*``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "pro_code": ("项目代码",),
    "pay_cert_no": ("支付凭证号",),
    "town_code": ("街道(乡镇)编码", "乡镇编码"),
    "town_name": ("街道(乡镇)名称", "乡镇名称"),
    "village_code": ("村编码",),
    "village_name": ("村名称",),
    "per_name": ("姓名",),
    "iden_type": ("证件类型",),
    "iden_no": ("证件号码",),
    "to_peop_family": ("按户或按人补助",),
    "pay_amt": ("应发金额(元)", "应发金额"),
    "xpay_amt": ("实发金额(元)", "实发金额"),
    "add_word": ("备注",),
    "pay_month": ("发放月份",),
    "acct_no": ("收款账号", "银行账号", "一卡通账号", "社会保障卡号", "账号"),
}
TITLES = {element: titles[0] for element, titles in COLUMNS.items()}
REQUIRED = (
    "pay_cert_no",
    "per_name",
    "iden_type",
    "iden_no",
    "to_peop_family",
    "pay_amt",
    "xpay_amt",
    "pay_month",
)
#: The national template's 13 columns, in order (the export writes these).
TEMPLATE_13 = (
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
    "add_word",
    "pay_month",
    "pay_cert_no",
)
TEMPLATE_14 = ("pro_code", "pay_cert_no", *TEMPLATE_13[:-1])
ALIASES = alias_index(COLUMNS)
#: Elements read as codes: every whitespace character is removed (``compact_text``); the others (names, 备注)
#: are only stripped at both ends (``cell_text``).
CODE_ELEMENTS = frozenset(
    {
        "pro_code",
        "pay_cert_no",
        "town_code",
        "village_code",
        "iden_type",
        "iden_no",
        "to_peop_family",
        "pay_amt",
        "xpay_amt",
        "pay_month",
        "acct_no",
    }
)
#: The longest text stored per element (the columns' max_length); a longer text is refused with its limit.
MAX_LENGTHS = {
    "per_name": 64,
    "town_code": 32,
    "town_name": 64,
    "village_code": 32,
    "village_name": 64,
    "add_word": 200,
    "pro_code": 40,
    "acct_no": 40,
}
#: Every character ``str.strip()`` and ``str.split()`` treat as whitespace (a test checks the list).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)

IDEN_TYPES = {
    "01": "身份证号",
    "02": "残疾人证号",
    "03": "护照号",
    "04": "无法查明身份信息的流浪乞讨人员",
    "05": "优抚安置",
}
FAMILY = {"01": "到人", "02": "到户"}
ANNUAL = "全年"


def find_payout_header(table: Table) -> Header | None:
    return find_header(table, ALIASES, required=REQUIRED)
