"""Who may do what, as the tests expect it: written out by hand, independent of ``jiuzhu.accounts.roles``.

The access matrix (tests/urlmatrix.py) computes every expected status from this table, never from
``roles.PERMISSIONS``; tests/accounts/test_url_matrix.py compares the two, so a change to either is a decision
that a person makes twice. Pairs are (department, role) as stored on the user.

Reviewed against README (Access control) and the finance bureau's practice; entries marked QUESTION copy the
application as it is but look doubtful for a finance bureau (see the lead's report of branch house-matrix).
"""

FINANCE_MAKER = ("finance", "maker")
FINANCE_CHECKER = ("finance", "checker")
FINANCE_VIEWER = ("finance", "viewer")
FINANCE_ADMIN = ("finance", "admin")
CIVIL_MAKER = ("civil_affairs", "maker")
CIVIL_CHECKER = ("civil_affairs", "checker")
CIVIL_VIEWER = ("civil_affairs", "viewer")
CIVIL_ADMIN = ("civil_affairs", "admin")
AUDIT_MAKER = ("audit", "maker")
AUDIT_CHECKER = ("audit", "checker")
AUDIT_VIEWER = ("audit", "viewer")
AUDIT_ADMIN = ("audit", "admin")

#: Every department in every role: reading pages of one's own area is open to all staff.
ANY_STAFF = frozenset(
    {
        FINANCE_MAKER,
        FINANCE_CHECKER,
        FINANCE_VIEWER,
        FINANCE_ADMIN,
        CIVIL_MAKER,
        CIVIL_CHECKER,
        CIVIL_VIEWER,
        CIVIL_ADMIN,
        AUDIT_MAKER,
        AUDIT_CHECKER,
        AUDIT_VIEWER,
        AUDIT_ADMIN,
    }
)

EXPECTED_PERMISSIONS: dict[str, frozenset[tuple[str, str]]] = {
    # 分配/调整方案: the finance bureau drafts (经办) and approves (审核); everyone reads and exports.
    "allocation.view": ANY_STAFF,
    "allocation.edit": frozenset({FINANCE_MAKER}),
    "allocation.submit": frozenset({FINANCE_MAKER}),
    "allocation.approve": frozenset({FINANCE_CHECKER}),
    "allocation.export": ANY_STAFF,
    # 指标: only finance registers receipts.
    "ledger.view": ANY_STAFF,
    "ledger.register": frozenset({FINANCE_MAKER}),
    # QUESTION: a civil-affairs 经办 may import treasury payment files (国库支付凭证) as well as payout files;
    # payments are the finance bureau's own records.
    "ledger.import": frozenset({FINANCE_MAKER, CIVIL_MAKER}),
    # (The services narrow this to the maker's department and the item's own region.)
    "ledger.approve": frozenset({FINANCE_CHECKER, CIVIL_CHECKER}),
    # The payout export with full 证件号码: the 经办 who send the file to the 直达资金监控系统 (their own region only;
    # everyone else gets the numbers masked).
    "ledger.export_ids": frozenset({FINANCE_MAKER, CIVIL_MAKER}),
    # 跟踪反馈表 (附件3): the county finance 经办 fills, its 审核 approves; everyone reads and exports.
    "reports.view": ANY_STAFF,
    "reports.fill": frozenset({FINANCE_MAKER}),
    # A budget unit's report (地区社会福利院, a county's 民政局) is filled by the unit's region's 民政 经办.
    "reports.fill_unit": frozenset({CIVIL_MAKER}),
    "reports.approve": frozenset({FINANCE_CHECKER}),
    "reports.export": ANY_STAFF,
    "trace.view": ANY_STAFF,
    # 监控预警: the two bureaus' 经办 review findings (confirm, 误报, 整改), their 审核 check and close them.
    "monitoring.view": ANY_STAFF,
    # QUESTION: the finance administrator may run the rules (a technical task) but civil affairs' may not.
    "monitoring.run": frozenset({FINANCE_MAKER, FINANCE_CHECKER, CIVIL_MAKER, CIVIL_CHECKER, FINANCE_ADMIN}),
    "monitoring.review": frozenset({FINANCE_MAKER, CIVIL_MAKER}),
    "monitoring.check": frozenset({FINANCE_CHECKER, CIVIL_CHECKER}),
    "monitoring.export": ANY_STAFF,
    # 支出进度 and 年终结转/收回: the finance bureau closes (经办) and approves (审核); everyone reads.
    "yearend.view": ANY_STAFF,
    "yearend.close": frozenset({FINANCE_MAKER}),
    "yearend.approve": frozenset({FINANCE_CHECKER}),
    # 一卡通监管: both bureaus' 经办 load the reference lists, record 回访 and complaints; the full 证件号码 is for
    # civil affairs (who visit the households) and the audit bureau.
    "cards.view": ANY_STAFF,
    "cards.lists": frozenset({FINANCE_MAKER, CIVIL_MAKER}),
    "cards.reveal_id": frozenset({CIVIL_MAKER, CIVIL_CHECKER, AUDIT_VIEWER}),
    "cards.verify": frozenset({FINANCE_MAKER, CIVIL_MAKER}),
    "cards.complaints": frozenset({FINANCE_MAKER, CIVIL_MAKER}),
    "cards.export": ANY_STAFF,
    # 绩效管理: both bureaus draft and decompose targets (经办) and approve them (审核); civil affairs enters the
    # actual values with evidence, the checkers judge the qualitative ones; the 经办 write the 双监控 reports.
    "performance.view": ANY_STAFF,
    "performance.edit": frozenset({FINANCE_MAKER, CIVIL_MAKER}),
    "performance.approve": frozenset({FINANCE_CHECKER, CIVIL_CHECKER}),
    "performance.confirm": frozenset({FINANCE_MAKER, CIVIL_MAKER}),
    "performance.actuals": frozenset({CIVIL_MAKER}),
    "performance.judge": frozenset({FINANCE_CHECKER, CIVIL_CHECKER}),
    "performance.monitor": frozenset({FINANCE_MAKER, CIVIL_MAKER}),
    "performance.export": ANY_STAFF,
    "documents.view": ANY_STAFF,
    # QUESTION: a civil-affairs 经办 generates the joint notice but a civil-affairs 审核 may not.
    "documents.generate": frozenset({FINANCE_MAKER, FINANCE_CHECKER, CIVIL_MAKER}),
    "documents.templates": frozenset({FINANCE_ADMIN, CIVIL_ADMIN}),
    "audit.view": frozenset({AUDIT_VIEWER, FINANCE_ADMIN}),
    # QUESTION: any department's administrator — the audit bureau's and civil affairs' included — manages every
    # user of the area (finance checkers too) and the approval thresholds (reference.manage). The audited should
    # not be administered by the auditor, nor the finance bureau's maker-checker thresholds by another bureau.
    "accounts.admin": frozenset({FINANCE_ADMIN, CIVIL_ADMIN, AUDIT_ADMIN}),
    "users.manage": frozenset({FINANCE_ADMIN, CIVIL_ADMIN, AUDIT_ADMIN}),
    "reference.manage": frozenset({FINANCE_ADMIN, CIVIL_ADMIN, AUDIT_ADMIN}),
}


def expected_can(user: object, action: str) -> bool:
    """Whether the table lets an active user take ``action`` (region scope is the matrix's other half)."""
    department, role = getattr(user, "department", ""), getattr(user, "role", "")
    return bool(getattr(user, "is_active", False)) and (department, role) in EXPECTED_PERMISSIONS[action]
