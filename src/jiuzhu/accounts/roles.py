"""Departments, roles, and the permission table: the single source of who may do what."""

from enum import StrEnum


class Department(StrEnum):
    FINANCE = "finance"
    CIVIL_AFFAIRS = "civil_affairs"
    AUDIT = "audit"


class Role(StrEnum):
    MAKER = "maker"
    CHECKER = "checker"
    VIEWER = "viewer"
    ADMIN = "admin"


DEPARTMENT_LABELS = {Department.FINANCE: "财政", Department.CIVIL_AFFAIRS: "民政", Department.AUDIT: "审计"}
ROLE_LABELS = {Role.MAKER: "经办", Role.CHECKER: "审核", Role.VIEWER: "查看", Role.ADMIN: "管理员"}

F, C, A = Department.FINANCE, Department.CIVIL_AFFAIRS, Department.AUDIT
MAKER, CHECKER, VIEWER, ADMIN = Role.MAKER, Role.CHECKER, Role.VIEWER, Role.ADMIN
EVERYONE = {(d, r) for d in Department for r in Role}

#: action → the (department, role) pairs allowed to take it. Region scope is applied separately.
PERMISSIONS: dict[str, set[tuple[Department, Role]]] = {
    "allocation.view": EVERYONE,
    "allocation.edit": {(F, MAKER)},
    "allocation.submit": {(F, MAKER)},
    "allocation.approve": {(F, CHECKER)},
    "allocation.export": EVERYONE,
    "ledger.view": EVERYONE,
    "ledger.register": {(F, MAKER)},
    "ledger.import": {(F, MAKER), (C, MAKER)},
    "ledger.approve": {(F, CHECKER), (C, CHECKER)},
    # whole 证件号码 in the API's payouts (civil affairs pays the people); everyone else reads them masked
    "reports.view": EVERYONE,
    "reports.fill": {(F, MAKER)},
    # a budget unit's report (地区社会福利院, a county's 民政局): filled by its competent bureau's 经办
    "reports.fill_unit": {(C, MAKER)},
    "reports.approve": {(F, CHECKER)},
    "reports.export": EVERYONE,
    "yearend.view": EVERYONE,
    "yearend.close": {(F, MAKER)},
    "yearend.approve": {(F, CHECKER)},
    "performance.view": EVERYONE,
    "performance.edit": {(F, MAKER), (C, MAKER)},
    "performance.approve": {(F, CHECKER), (C, CHECKER)},
    "performance.confirm": {(F, MAKER), (C, MAKER)},
    "performance.actuals": {(C, MAKER)},
    "performance.judge": {(F, CHECKER), (C, CHECKER)},
    "performance.monitor": {(F, MAKER), (C, MAKER)},
    "performance.export": EVERYONE,
    # Full 证件号码 in the payout export: the 经办 of 财政 and 民政 who send the file to the 直达资金监控系统, for their
    # own region only; everyone else who may see the ledger gets the same file with the numbers masked.
    "ledger.export_ids": {(F, MAKER), (C, MAKER)},
    "documents.view": EVERYONE,
    "trace.view": EVERYONE,
    "documents.generate": {(F, MAKER), (F, CHECKER), (C, MAKER)},
    "documents.templates": {(F, ADMIN), (C, ADMIN)},
    "monitoring.view": EVERYONE,
    "monitoring.run": {(F, MAKER), (F, CHECKER), (C, MAKER), (C, CHECKER), (F, ADMIN)},
    "monitoring.review": {(F, MAKER), (C, MAKER)},
    "monitoring.check": {(F, CHECKER), (C, CHECKER)},
    "monitoring.export": EVERYONE,
    "cards.view": EVERYONE,
    "cards.lists": {(F, MAKER), (C, MAKER)},
    "cards.reveal_id": {(C, MAKER), (C, CHECKER), (A, VIEWER)},
    "cards.verify": {(F, MAKER), (C, MAKER)},
    "cards.complaints": {(F, MAKER), (C, MAKER)},
    "cards.export": EVERYONE,
    "audit.view": {(A, VIEWER), (F, ADMIN)},
    "accounts.admin": {(d, ADMIN) for d in Department},
    "users.manage": {(d, ADMIN) for d in Department},
    "reference.manage": {(d, ADMIN) for d in Department},
}


#: Actions that make or check money records: an administrator never holds them (they create the users who do,
#: and could otherwise act as maker and checker at once).
MAKER_CHECKER_ACTIONS = frozenset(
    a
    for a in PERMISSIONS
    if a.startswith(("allocation.", "ledger.")) and a.split(".")[1] not in ("view", "export")
)
assert not any(r == ADMIN for a in MAKER_CHECKER_ACTIONS for _, r in PERMISSIONS[a]), (
    "an admin holds no maker role"
)


def allowed(department: str, role: str, action: str) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    return (Department(department), Role(role)) in PERMISSIONS[action]
