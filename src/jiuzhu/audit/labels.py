"""Chinese names of the fields and values an audit record stores (actions are named in ``actions.AuditAction``)."""

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
    "payouts": "到人到户发放明细",
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


def field_label(key: str) -> str:
    """``rows.654225`` → 分配数 · 654225 (region codes are named by the caller, who knows the regions)."""
    parts = key.split(".")
    return " · ".join(FIELD_LABELS.get(p, p) for p in parts)


def value_label(value: str) -> str:
    return VALUE_LABELS.get(value, value)
