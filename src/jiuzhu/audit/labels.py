"""Chinese names of audited actions, fields and values; an app may add its own with ``ACTION_LABELS.update(…)``
in its AppConfig.ready. Every action code the services write is listed, so the trail's filter offers them all."""

ACTION_LABELS: dict[str, str] = {
    "allocation.create": "新建分配方案",
    "allocation.save_rows": "保存分配数",
    "allocation.submit": "提交方案审核",
    "allocation.approve": "审核通过方案",
    "allocation.approve_partial": "审核方案（尚需他人审核）",
    "allocation.return": "退回方案",
    "accounts.login": "登录",
    "accounts.logout": "退出",
    "accounts.login_failed": "登录失败",
    "accounts.locked_out": "账号锁定",
    "accounts.password_change": "修改密码",
    "accounts.user_create": "新建用户",
    "accounts.user_update": "修改用户",
    "accounts.user_unlock": "解除锁定",
    "accounts.password_reset": "重置密码",
    "approvals.rule_create": "新建审批规则",
    "approvals.rule_delete": "删除审批规则",
    "documents.load_default_template": "载入默认公文模板",
    "documents.save_template": "保存公文模板",
    "ledger.book_movements": "记入指标变动",
    "ledger.demo_fault_payouts": "演示：写入问题发放数据",
    "ledger.import_queued": "上传导入文件",
    "ledger.import_retry": "重新导入",
    "ledger.import_done": "导入完成（待审核）",
    "ledger.import_approve": "审核通过导入",
    "ledger.import_return": "退回导入",
    "ledger.register": "指标登记",
    "ledger.register_approve": "审核通过指标登记",
    "ledger.register_return": "退回指标登记",
    "ledger.tag_change_refused": "拒绝修改直达资金标识",
    "reference.code": "修改分类科目",
    "access.denied": "无权限的访问（已拒绝）",
    "access.not_found": "访问不存在或无权查看的记录",
    "action.refused": "操作被拒绝",
    "export.payouts": "导出到人到户发放明细（含个人信息）",
    "export.audit": "导出审计日志",
}

#: before/after keys → what a clerk calls them.
FIELD_LABELS: dict[str, str] = {
    "status": "状态",
    "rows": "分配数",
    "amount": "金额",
    "approvals_required": "需审核人数",
    "approvals": "审核人",
    "required": "需审核人数",
    "reason": "原因",
    "filename": "文件名",
    "size": "文件大小（字节）",
    "sha256": "文件指纹",
    "rows_stored": "导入行数",
    "rows_removed": "删除行数",
    "problems": "问题数",
    "error": "错误",
    "people": "人数",
    "persons": "人数",
    "total": "合计金额",
    "lines": "登记明细",
    "cor_bgt_doc_no": "本级指标文号",
    "registered_on": "登记日期",
    "direct_fund_tag": "直达资金标识",
    "requested": "要求改为",
    "name": "名称",
    "purpose": "支出方向",
    "kind": "类型",
    "username": "用户名",
    "display_name": "姓名",
    "region": "地区",
    "department": "部门",
    "role": "角色",
    "is_active": "启用",
    "method": "请求方式",
    "path": "页面",
    "month": "月份",
    "vouchers": "支付凭证数",
    "voucher_count": "支付凭证数",
}

#: Stored codes → their Chinese names (status, kind, department, role, purpose).
VALUE_LABELS: dict[str, str] = {
    "draft": "草稿",
    "submitted": "已提交待审核",
    "approved": "已审核",
    "returned": "已退回",
    "queued": "排队中",
    "running": "导入中",
    "done": "已完成",
    "rejected": "有问题未导入",
    "failed": "失败",
    "issue": "下达",
    "increase": "调增",
    "decrease": "调减",
    "allocation": "分配下达",
    "adjustment": "调整",
    "payments": "支付凭证",
    "disbursements": "到人到户发放明细",
    "finance": "财政",
    "civil_affairs": "民政",
    "audit": "审计",
    "maker": "经办",
    "checker": "审核",
    "viewer": "查看",
    "admin": "管理员",
    "dibao": "低保",
    "tekun": "特困",
    "linshi": "临时救助",
    "liulang": "流浪乞讨",
    "guer": "孤儿",
    "True": "是",
    "False": "否",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def field_label(key: str) -> str:
    """``rows.654225`` → 分配数 · 654225 (region codes are named by the caller, who knows the regions)."""
    parts = key.split(".")
    return " · ".join(FIELD_LABELS.get(p, p) for p in parts)


def value_label(value: str) -> str:
    return VALUE_LABELS.get(value, value)
