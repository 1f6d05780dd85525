"""The monitoring rules as data: code, severity, Chinese title and message, and what a clerk reads about each.

The SQL that finds a rule's rows is in ``jiuzhu.monitoring.queries`` (it names the tables); everything a person
reads is here. A message is a ``str.format`` template over the row's columns: ``*_fen`` columns print as 元,
``iden_no`` and ``acct_no`` print masked (``identity.mask``), ``purpose`` as its Chinese label.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .card_rules import CARD_RULES
from .findings import Severity
from .identity import mask
from .money import format_yuan, from_fen
from .purposes import PURPOSE_LABELS, Purpose


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    """The rule's severity; a row may carry its own (``execution_behind`` is 黄 or 红 by how far behind)."""
    title: str
    message: str
    what: str
    why: str
    threshold: str
    money: bool = False
    """Counts only approved money (registrations, approved batches); otherwise the rule also sees rows waiting
    for a checker, so the checker sees the problems of a file before approving it."""

    def render(self, row: Mapping[str, Any]) -> str:
        return self.message.format(**display_values(row))


def display_values(row: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in row.items():
        if value is None:
            out[key] = ""
        elif key.endswith("_fen"):
            out[key] = format_yuan(from_fen(int(value)))
        elif key.endswith("_bp"):
            # PostgreSQL divides numerics exactly, SQLite integers truncating: truncate both alike
            out[key] = f"{Decimal(int(Decimal(str(value)))) / 100:.1f}"
        elif key in ("iden_no", "acct_no"):
            out[key] = mask(str(value))
        elif key == "purpose":
            out[key] = PURPOSE_LABELS.get(Purpose(value), str(value)) if value in _PURPOSES else str(value)
        else:
            out[key] = str(value)
    return out


_PURPOSES = {p.value for p in Purpose}
R, Y = Severity.RED, Severity.YELLOW

RULES: tuple[Rule, ...] = (
    Rule(
        "late_registration",
        Y,
        "指标未及时登记",
        "{doc_no}（{received_on}接收）{state}，晚于接收日期{days}天",
        "上级下达或调整的资金，本级是否在接收后规定天数内完成指标登记（已退回的登记视同未登记，以重新提交日为准）。",
        "预算法第五十二条和直达资金管理要求：收到上级资金后30日内分解下达、登记指标，不得滞留。",
        "超过30天（设置 late_registration_days）",
        money=True,
    ),
    Rule(
        "late_pass_down",
        Y,
        "资金超时分配下达",
        "{doc_no}于{received_on}到达，{passed_on}才下达到下级，用时{days}天",
        "一级财政收到上级资金后，向下级分配下达的日期与收到日期相差多少天（取收到后第一次向下级下达）。",
        "财预〔2020〕56号等直达资金管理规定：收到上级直达资金文件后30日内分配下达到下级。",
        "超过30天（设置 pass_down_days）",
        money=True,
    ),
    Rule(
        "payment_above_balance",
        R,
        "支付超过指标余额",
        "指标{bgt_id}（{purpose}）已登记{registered_fen}元，已支付{paid_fen}元，超支{over_fen}元",
        "每个指标的已审核支付合计是否超过已审核登记的金额。",
        "指标是支付的依据，无指标或超指标支付属于违规支出；导入的历史数据可能出现。",
        "超过1分即预警",
        money=True,
    ),
    Rule(
        "tag_break",
        R,
        "直达资金标识不一致",
        "{link}：{subject}的直达资金标识为{tag}，上一环节为{upstream_tag}",
        "资金下达 → 指标 → 支付凭证各环节的直达资金标识是否相同（发放明细沿用其支付凭证的标识）。",
        "财预〔2020〕56号：直达资金全程单独标识，确保资金流向明确、可追踪。",
        "任何不一致",
        money=True,
    ),
    Rule(
        "voucher_mismatch",
        R,
        "发放金额与支付凭证不符",
        "支付凭证{pay_cert_no}实际支付{voucher_fen}元，发放明细实发合计{paid_out_fen}元，相差{diff_fen}元",
        "有发放明细的支付凭证，其明细的实发金额合计是否与凭证的实际支付金额一致（精确到分）。",
        "通知第三条：指标、支付、发放同步一致、准确完整；不一致说明漏发、多发或明细错误。",
        "相差1分即预警",
    ),
    Rule(
        "voucher_no_payouts",
        Y,
        "支付后未及时导入发放信息",
        "支付凭证{pay_cert_no}于{xpay_date}支付{voucher_fen}元（{purpose}），已过{days}天仍无发放明细",
        "发放到人的支付凭证（流浪乞讨救助和支付给预算单位的除外）支付后规定天数内是否导入了到人到户发放明细。",
        "审计常见问题“未及时导入发放补贴补助信息”：资金已支付但看不到发到了谁手里。",
        "支付后超过30天（设置 voucher_payout_days）",
    ),
    Rule(
        "payout_duplicate",
        R,
        "重复发放（县内）",
        "{iden_no}在{month}月{purpose}发放{count}次，实发合计{total_fen}元",
        "同一县（市）内，同一证件号码、同一月份、同一支出方向是否有两条以上发放记录。",
        "重复申领、一户多地登记是审计发现的常见问题。",
        "2条及以上",
    ),
    Rule(
        "payout_duplicate_cross",
        R,
        "重复发放（跨县）",
        "{iden_no}在{month}月{purpose}同时在其他县（市）发放，本县（市）实发{total_fen}元",
        "同一证件号码、同一月份、同一支出方向是否在两个以上县（市）都有发放记录。",
        "一人多地享受同一救助，须由各县核实户籍和居住地后停发其一。",
        "2个县（市）及以上",
    ),
    Rule(
        "payout_above_due",
        Y,
        "实发金额大于应发金额",
        "{iden_no}（{month}月{purpose}）应发{due_fen}元，实发{paid_fen}元，多发{over_fen}元",
        "每条发放记录的实发金额是否超过应发金额。",
        "多发的钱要追回；导入时会拒绝，其他途径进入的数据仍须检查。",
        "超过1分即预警",
    ),
    Rule(
        "invalid_id",
        Y,
        "证件号码无效",
        "证件号码{iden_no}不是有效的居民身份证号码（{count}条发放记录）",
        "证件类型为身份证的发放记录，证件号码是否为18位、出生日期是否合理、校验位是否符合GB 11643。",
        "无效号码无法核实身份，可能是录入错误或虚构人员。",
        "任何无效号码",
    ),
    Rule(
        "account_shared",
        Y,
        "一个账户发给多人",
        "账号{acct_no}收到{people}个不同证件号码的发放，实发合计{total_fen}元",
        "同一年度同一银行账户（一卡通）是否收到两个以上不同人员的发放。",
        "冒用、借用银行卡是审计发现的常见问题（家庭成员按户发放的除外，应按户补助）。",
        "2人及以上（按人补助的记录）",
    ),
    Rule(
        "person_multi_account",
        Y,
        "一人多账户",
        "{iden_no}在{month}月发放到{accounts}个不同账户，实发合计{total_fen}元",
        "同一人同一月份的发放是否进入两个以上不同的银行账户。",
        "一卡通原则上一人一卡；多账户可能是资金被截留或冒领。",
        "2个账户及以上",
    ),
    Rule(
        "exp_code_mismatch",
        R,
        "支出科目与用途不符",
        "支付凭证{pay_cert_no}（{purpose}）使用支出功能分类科目{exp_func_code}{code_name}，与支出方向不符",
        "支付凭证的支出功能分类科目是否属于该指标支出方向允许的科目（政府收支分类科目表中的对应关系）。",
        "专款专用：救助资金只能用于规定的支出方向，科目错列会使资金流向不清。",
        "任何不符",
        money=True,
    ),
    Rule(
        "idle_money",
        Y,
        "资金闲置",
        "指标{bgt_id}（{purpose}）余额{balance_fen}元，最近一次支付或登记在{last_on}，已闲置{days}天",
        "有余额的指标，最近一次支付（无支付时为登记）距检查日是否超过规定时间。",
        "资金闲置超过两个月的，按规定暂停拨付并督促整改（新疆叶城县等做法）。",
        "超过两个月（设置 idle_months）",
        money=True,
    ),
    Rule(
        "execution_behind",
        Y,
        "支出进度滞后",
        "{fund_name}资金{purpose}：可用{available_fen}元，已支付{paid_fen}元，支出进度{rate_bp}%，"
        "时序进度{elapsed_bp}%，落后{behind_bp}个百分点",
        "每个县（市）、资金、支出方向的支出进度（已支付 ÷ 已登记可用）与全年时序进度比较。",
        "支出进度是直达资金监控的核心指标，滞后说明资金未及时惠及群众。",
        "落后超过10个百分点为黄灯，超过20个百分点为红灯（可按资金设置）",
        money=True,
    ),
    *(Rule(*spec) for spec in CARD_RULES),
)
REGISTRY: dict[str, Rule] = {r.code: r for r in RULES}


def rule(code: str) -> Rule:
    try:
        return REGISTRY[code]
    except KeyError:
        raise KeyError(f"未知的监控规则 {code}") from None
