"""The demo's performance year: the 2022 regional target table of 塔地财社〔2022〕82号 (附件2), approved, each
county's confirmation, 民政's actuals (1—7月 and the year) for what the ledger cannot compute, the checker's
judgements of the qualitative indicators, and each county's January–July 双监控 report (submitted where every
deviation is explained; 托里县 explains its 政策知晓率, 裕民县's stays a draft).

Everything goes through the services. The actuals entered here are DEMO figures (marked 演示数据 in their
evidence); the ledger's figures (下达时效, 按时发放率, 社会化发放率, 低保对象人数, 预算执行率) come from the demo
year itself, so 裕民县's late registration of the 82号 increase (45 days) shows as a missed 时效 target.
Idempotent: a table that exists is left as it is.
"""

from typing import Any

from jiuzhu.accounts.models import User
from jiuzhu.approvals import review
from jiuzhu.domain.performance.scoring import Judgement
from jiuzhu.domain.targets import target_set_for
from jiuzhu.funds.models import Fund

from . import monitoring_report, services
from .actuals import Budget, budgets, computed
from .models import Status, TargetTable

FUND_LABEL = "自治区"
POLICY_MISS = "654224"  # 托里县: 政策知晓率 80% against ≥82% (a survey's figure, DEMO)

#: 三级指标 → (全年实际值, 上年实际值) entered by 民政, DEMO figures
ENTERED = {
    "临时救助人次": ("320", "300"),
    "求助的流浪乞讨人员救助率": ("100", ""),
    "孤儿、艾滋病病毒感染者、生活困难家庭中的和纳入特困人员救助供养范围的事实无人抚养儿童纳入保障范围率": (
        "100",
        "",
    ),
    "农村留守儿童、困境儿童纳入监护范围率": ("95", ""),
    "城乡低保标准": ("600", "580"),
    "城乡特困人员救助供养标准": ("780", "760"),
    "临时救助水平": ("1500", "1500"),
    "建立社会救助家庭经济状况核对机制的县（市、区）比例": ("100", ""),
    "孤儿、艾滋病病毒感染者、事实无人抚养儿童认定准确率": ("98", ""),
    "流浪乞讨人员求助要求当天登记救助率": ("100", ""),
    "流浪乞讨人员救助执行当地支出标准": ("100", ""),
    "为走失、务工不着、家庭暴力受害者等离家在外的临时遇困人员提供救助服务率": ("100", ""),
    "政策知晓率": ("88", ""),
    "服务对象满意度": ("92", ""),
}
#: 地区本级 (地区社会福利院) has no 低保 of its own; its orphans' money is paid to the home each month.
PREFECTURE_OWN = {
    "低保对象人数": ("不适用", "地区本级无低保对象"),
    "低保资金社会化发放率": ("不适用", "地区本级无低保资金"),
    "困难群众基本生活救助和孤儿基本生活费按时发放率": ("100", "福利院孤儿基本生活费按月拨付（演示数据）"),
}
JUDGED = (
    "低保对象人数",
    "困难群众生活水平情况",
    "帮助查明身份滞留流浪乞讨人员返乡情况",
    "困难群众基本生活保障制度",
)


def _user(name: str) -> User:
    return User.objects.get(username=name)


def load_performance_demo() -> None:
    fund = Fund.objects.filter(fiscal_year=2022, source_label=FUND_LABEL).first()
    template = target_set_for(fund.name, 2022) if fund else None
    if fund is None or template is None or TargetTable.objects.filter(fund=fund).exists():
        return
    maker, checker = _user("dq_mz_jb"), _user("dq_mz_sh")
    prefecture = maker.region
    assert prefecture is not None
    table = services.do_create_table(actor=maker, fund=fund, region=prefecture, template=template)
    services.do_submit_table(actor=maker, table=table)
    review.approve(table, checker)
    table.refresh_from_db()
    assert table.status == Status.APPROVED
    indicators = {x.level3: x for x in table.indicators.all()}
    # the ledger's actuals of the mid-year period, computed once: each computation scans the demo year
    month = monitoring_report.default_month()
    ledger = computed(table.fund_id, 2022, month), budgets(table.fund_id, 2022, month)
    for column in table.columns.select_related("region"):
        region = column.region
        county_maker = User.objects.filter(region=region, department="finance", role="maker").first()
        own = PREFECTURE_OWN if region.pk == prefecture.pk else {}
        for month in (monitoring_report.default_month(), 12):
            _enter(maker, checker, indicators, region, month, own)
        if county_maker is not None and region.pk != prefecture.pk:
            services.do_confirm_column(actor=county_maker, column=column)
            _midyear(county_maker, table, region, ledger)


def _enter(
    maker: User, checker: User, indicators: dict[str, Any], region: Any, month: int, own: dict[str, Any]
) -> None:
    for level3, (typed, last_year) in ENTERED.items():
        value = "80" if level3 == "政策知晓率" and region.code == POLICY_MISS else typed
        services.do_enter_actual(
            actor=maker,
            indicator=indicators[level3],
            region=region,
            through_month=month,
            value=value,
            last_year=last_year,
            evidence="演示数据：民政部门统计及问卷调查",
        )
    for level3, (value, evidence) in own.items():
        services.do_enter_actual(
            actor=maker,
            indicator=indicators[level3],
            region=region,
            through_month=month,
            value=value,
            evidence=evidence,
        )
    for level3 in JUDGED:
        if level3 not in own:
            services.do_enter_actual(
                actor=checker,
                indicator=indicators[level3],
                region=region,
                through_month=month,
                judgement=Judgement.MET,
            )


#: 托里县's explanation of its mid-year deviation (DEMO wording)
POLICY_EXPLAINED = monitoring_report.LineInput(
    expected="85%",
    cause="staff",
    cause_note="演示数据：村级协理员更换，政策宣传未覆盖到户",
    likelihood="possible",
    needs_fix=True,
    measures="演示数据：9月底前入户宣传全覆盖，10月复测知晓率",
)


def _midyear(
    county_maker: User, table: TargetTable, region: Any, ledger: tuple[Any, dict[int, Budget]]
) -> None:
    """The county's 1—7月 report: 托里县 explains its deviation; a report whose deviations are all explained is
    submitted to the prefecture, 裕民县's stays a draft (for the demo's clerk to fill in)."""
    measured, budgets_of = ledger
    report = monitoring_report.do_open_report(actor=county_maker, table=table, region=region, ledger=measured)
    view = monitoring_report.view(report, measured, budgets_of)
    if region.code == POLICY_MISS:
        lines = {
            r.line.pk: POLICY_EXPLAINED for r in view.deviating if r.line.indicator.level3 == "政策知晓率"
        }
        monitoring_report.do_save_report(actor=county_maker, report=report, lines=lines)
        view = monitoring_report.view(report, measured, budgets_of)
    if region.code != "654225" and not any(r.incomplete for r in view.rows):
        monitoring_report.do_submit_report(
            actor=county_maker, report=report, ledger=measured, budgets_of=budgets_of
        )
