"""Every action the audit trail records, with its Chinese name beside it: the one table of audited actions.

``audit.services.record`` takes an ``AuditAction``; the value is the code stored in ``AuditRecord.action``.
A new write adds its member here.
"""

from enum import StrEnum


class AuditAction(StrEnum):
    label: str

    def __new__(cls, code: str, label: str) -> "AuditAction":
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    ACCOUNTS_LOGIN = "accounts.login", "登录"
    ACCOUNTS_LOGOUT = "accounts.logout", "退出"
    ACCOUNTS_LOGIN_FAILED = "accounts.login_failed", "登录失败"
    ACCOUNTS_LOCKED_OUT = "accounts.locked_out", "账号锁定"
    ACCOUNTS_PASSWORD_CHANGE = "accounts.password_change", "修改密码"
    ACCOUNTS_USER_CREATE = "accounts.user_create", "新建用户"
    ACCOUNTS_USER_UPDATE = "accounts.user_update", "修改用户"
    ACCOUNTS_USER_UNLOCK = "accounts.user_unlock", "解除锁定"
    ACCOUNTS_PASSWORD_RESET = "accounts.password_reset", "重置密码"
    ACCOUNTS_ADDRESS_THROTTLED = "accounts.address_throttled", "登录地址暂停"

    ALLOCATION_CREATE = "allocation.create", "新建分配方案"
    ALLOCATION_SAVE_ROWS = "allocation.save_rows", "保存分配数"
    ALLOCATION_SUBMIT = "allocation.submit", "提交审核"
    ALLOCATION_APPROVE = "allocation.approve", "审核通过"
    ALLOCATION_APPROVE_PARTIAL = "allocation.approve_partial", "审核（尚需他人审核）"
    ALLOCATION_RETURN = "allocation.return", "退回"

    APPROVALS_RULE_CREATE = "approvals.rule_create", "新建审批规则"
    APPROVALS_RULE_DELETE = "approvals.rule_delete", "删除审批规则"

    REFERENCE_CODE = "reference.code", "维护分类科目代码"

    LEDGER_BOOK_MOVEMENTS = "ledger.book_movements", "分配方案记入指标"
    LEDGER_REGISTER = "ledger.register", "指标登记"
    LEDGER_REGISTER_RESUBMIT = "ledger.register_resubmit", "重新提交指标登记"
    LEDGER_REGISTER_APPROVE = "ledger.register_approve", "指标登记审核通过"
    LEDGER_REGISTER_APPROVE_PARTIAL = "ledger.register_approve_partial", "指标登记审核（尚需他人审核）"
    LEDGER_REGISTER_RETURN = "ledger.register_return", "退回指标登记"
    LEDGER_TAG_CHANGE_REFUSED = "ledger.tag_change_refused", "拒绝修改直达资金标识"
    LEDGER_IMPORT_QUEUED = "ledger.import_queued", "导入排队"
    LEDGER_IMPORT_RETRY = "ledger.import_retry", "重新导入"
    LEDGER_IMPORT_DONE = "ledger.import_done", "导入完成（待审核）"
    LEDGER_IMPORT_REJECTED = "ledger.import_rejected", "导入被拒（数据有误）"
    LEDGER_IMPORT_FAILED = "ledger.import_failed", "导入失败"
    LEDGER_IMPORT_APPROVE = "ledger.import_approve", "审核通过导入"
    LEDGER_IMPORT_APPROVE_PARTIAL = "ledger.import_approve_partial", "导入审核（尚需他人审核）"
    LEDGER_IMPORT_RETURN = "ledger.import_return", "退回导入"
    LEDGER_UPLOADS_PURGED = "ledger.uploads_purged", "清理已退回/已拒绝的上传文件"
    LEDGER_DEMO_FAULT_PAYOUTS = "ledger.demo_fault_payouts", "写入演示故障数据"

    DOCUMENTS_SAVE_TEMPLATE = "documents.save_template", "保存公文模板"
    DOCUMENTS_LOAD_DEFAULT_TEMPLATE = "documents.load_default_template", "载入默认公文模板"

    MONITORING_RUN = "monitoring.run", "运行监控规则"
    MONITORING_DEMO_FAULTS = "monitoring.demo_faults", "写入演示监控故障数据"
    MONITORING_CONFIRM = "monitoring.confirm", "确认预警"
    MONITORING_FALSE_POSITIVE = "monitoring.false_positive", "认定误报"
    MONITORING_FP_APPROVE = "monitoring.fp_approve", "误报认定审核通过"
    MONITORING_FP_APPROVE_PARTIAL = "monitoring.fp_approve_partial", "误报认定审核（尚需他人审核）"
    MONITORING_FP_RETURN = "monitoring.fp_return", "退回误报认定"
    MONITORING_RECTIFY = "monitoring.rectify", "登记整改"
    MONITORING_CLOSE = "monitoring.close", "销号"
    MONITORING_RESOLVE = "monitoring.resolve", "已整改（复查未再发现）"
    MONITORING_REOPEN = "monitoring.reopen", "预警重新打开"

    CARDS_LIST_IMPORT = "cards.list_import", "导入比对名单"
    CARDS_REVEAL_ID = "cards.reveal_id", "查看完整证件号码"
    CARDS_EXPORT_FULL = "cards.export_full", "导出含完整证件号码的核查表"
    CARDS_SAMPLE_DRAW = "cards.sample_draw", "回访核查抽样"
    CARDS_VERIFY = "cards.verify", "登记回访核查结果"
    CARDS_COMPLAINT_CREATE = "cards.complaint_create", "登记投诉举报"
    CARDS_COMPLAINT_REPLY = "cards.complaint_reply", "答复投诉举报"
    CARDS_COMPLAINT_LINK = "cards.complaint_link", "投诉举报关联预警"
    CARDS_DEMO = "cards.demo", "写入演示比对名单"

    REPORTS_OPEN = "reports.open", "新建跟踪反馈表"
    REPORTS_EXPLAIN = "reports.explain", "填写未支出原因和整改措施"
    REPORTS_SUBMIT = "reports.submit", "提交跟踪反馈表"
    REPORTS_APPROVE = "reports.approve", "跟踪反馈表审核通过"
    REPORTS_APPROVE_PARTIAL = "reports.approve_partial", "跟踪反馈表审核（尚需他人审核）"
    REPORTS_RETURN = "reports.return", "退回跟踪反馈表"
    REPORTS_ASSIGN = "reports.assign", "指定预算单位填报的指标"
    REPORTS_ADD_UNIT = "reports.add_unit", "新增填报跟踪反馈表的预算单位"

    ACCESS_DENIED = "access.denied", "无权限的访问（已拒绝）"
    ACCESS_NOT_FOUND = "access.not_found", "访问不存在或无权查看的记录"
    ACTION_REFUSED = "action.refused", "操作被拒绝"
    EXPORT_PAYOUTS = "export.payouts", "导出到人到户发放明细（含个人信息）"
    EXPORT_AUDIT = "export.audit", "导出审计日志"
    YEAREND_CLOSE_SUBMIT = "yearend.close_submit", "提交年终结转"
    YEAREND_CLOSE_APPROVE = "yearend.close_approve", "年终结转审核通过"
    YEAREND_CLOSE_APPROVE_PARTIAL = "yearend.close_approve_partial", "年终结转审核（尚需他人审核）"
    YEAREND_CLOSE_RETURN = "yearend.close_return", "退回年终结转"
    YEAREND_REOPEN = "yearend.reopen", "重新开启年度"
    YEAREND_RECOVERY_SUBMIT = "yearend.recovery_submit", "提交收回"
    YEAREND_RECOVERY_APPROVE = "yearend.recovery_approve", "收回审核通过"
    YEAREND_RECOVERY_APPROVE_PARTIAL = "yearend.recovery_approve_partial", "收回审核（尚需他人审核）"
    YEAREND_RECOVERY_RETURN = "yearend.recovery_return", "退回收回"
    YEAREND_PROPOSE_ADJUSTMENT = "yearend.propose_adjustment", "生成调整方案建议"
    PERFORMANCE_CREATE = "performance.create", "新建绩效目标表"
    PERFORMANCE_DECOMPOSE = "performance.decompose", "分解绩效目标"
    PERFORMANCE_SUBMIT = "performance.submit", "报送绩效目标表"
    PERFORMANCE_TABLE_APPROVE = "performance.table_approve", "绩效目标表审核通过"
    PERFORMANCE_TABLE_APPROVE_PARTIAL = "performance.table_approve_partial", "绩效目标表审核（尚需他人审核）"
    PERFORMANCE_TABLE_RETURN = "performance.table_return", "退回绩效目标表"
    PERFORMANCE_CONFIRM = "performance.confirm", "确认分解目标"
    PERFORMANCE_ACTUAL = "performance.actual", "填报绩效指标实际值"
    PERFORMANCE_JUDGE = "performance.judge", "评审定性指标"
    PERFORMANCE_MONITOR_OPEN = "performance.monitor_open", "新建绩效运行监控表"
    PERFORMANCE_MONITOR_SAVE = "performance.monitor_save", "填写偏差原因和整改措施"
    PERFORMANCE_MONITOR_SUBMIT = "performance.monitor_submit", "报送绩效运行监控表"
    PERFORMANCE_MONITORING_APPROVE = "performance.monitoring_approve", "绩效运行监控表审核通过"
    PERFORMANCE_MONITORING_APPROVE_PARTIAL = (
        "performance.monitoring_approve_partial",
        "绩效运行监控表审核（尚需他人审核）",
    )
    PERFORMANCE_MONITORING_RETURN = "performance.monitoring_return", "退回绩效运行监控表"
    API_ACCOUNT_CREATE = "api.account_create", "新建接口账号"
    API_TOKEN_ISSUE = "api.token_issue", "签发接口令牌"
    API_TOKEN_REVOKE = "api.token_revoke", "吊销接口令牌"
    API_CALL = "api.call", "接口调用"
    EXCHANGE_EXPORT = "exchange.export", "导出交换文件"
    EXCHANGE_IMPORT = "exchange.import", "导入交换文件"


BY_CODE: dict[str, AuditAction] = {a.value: a for a in AuditAction}


def action_of(code: str) -> AuditAction:
    """The member of a code built at run time (``ledger.import_{status}``); KeyError for an unknown one."""
    return BY_CODE[code]


def action_label(code: str) -> str:
    """The Chinese name of a stored action code (the code itself for one no longer in the table)."""
    action = BY_CODE.get(code)
    return action.label if action is not None else code
