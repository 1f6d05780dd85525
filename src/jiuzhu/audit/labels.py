"""Chinese names of audited actions; an app adds its own with ``ACTION_LABELS.update(…)`` in its AppConfig.ready."""

ACTION_LABELS: dict[str, str] = {
    "allocation.create": "新建分配方案",
    "allocation.save_rows": "保存分配数",
    "allocation.submit": "提交审核",
    "allocation.approve": "审核通过",
    "allocation.approve_partial": "审核（尚需他人审核）",
    "allocation.return": "退回",
    "accounts.login": "登录",
    "accounts.logout": "退出",
    "accounts.login_failed": "登录失败",
    "accounts.locked_out": "账号锁定",
    "accounts.password_change": "修改密码",
    "accounts.user_create": "新建用户",
    "accounts.user_update": "修改用户",
    "accounts.user_unlock": "解除锁定",
    "accounts.password_reset": "重置密码",
    "accounts.address_throttled": "登录地址暂停",
    "approvals.rule_create": "新建审批规则",
    "approvals.rule_delete": "删除审批规则",
    "ledger.payout_export": "导出发放明细",
    "ledger.uploads_purged": "清理已退回/已拒绝的上传文件",
    "reference.code": "修改分类科目",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
