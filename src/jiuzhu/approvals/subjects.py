"""What can be submitted for approval. An app adds its own kind with one line here (or ``SUBJECTS[...] = …``)."""

SUBJECTS: dict[str, str] = {
    "allocation.plan": "分配/调整方案",
    "ledger.registration": "指标登记",
    "ledger.import": "资金导入",
    "reports.monthly": "月度跟踪反馈表",
    "ledger.year_end": "年终结转",
}
