"""What can be submitted for approval: key → label, for the rules page and ``open_round``.

Every declared ``review.Subject`` has its key here (tests/approvals/test_review_hooks.py): the rule's ``subject``
field takes its choices from this table when the models are loaded, before the apps' review modules declare
their subjects, so a key missing here could not be chosen for a rule.
"""

SUBJECTS: dict[str, str] = {
    "allocation.plan": "分配/调整方案",
    "ledger.registration": "指标登记",
    "ledger.import": "资金导入",
    "reports.monthly": "月度跟踪反馈表",
    "ledger.year_end": "年终结转",
    "yearend.recovery": "收回",
    "monitoring.false_positive": "红灯预警误报认定",
    "performance.table": "绩效目标表",
    "performance.monitoring": "绩效运行监控表",
}
