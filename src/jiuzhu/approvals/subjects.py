"""What can be submitted for approval: key → label, for the rules page and ``open_round``.

Declaring a ``review.Subject`` adds its key here; the keys below exist already so that the thresholds of
subjects still to come (monthly reports, year-end closing) can be set and migrations stay as they are.
"""

SUBJECTS: dict[str, str] = {
    "allocation.plan": "分配/调整方案",
    "ledger.registration": "指标登记",
    "ledger.import": "资金导入",
    "reports.monthly": "月度跟踪反馈表",
    "ledger.year_end": "年终结转",
}
