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
    "ledger.identity": {(C, MAKER), (C, CHECKER)},
    "reports.view": EVERYONE,
    "reports.fill": {(F, MAKER)},
    "reports.approve": {(F, CHECKER)},
    "reports.export": EVERYONE,
    "documents.view": EVERYONE,
    "trace.view": EVERYONE,
    "documents.generate": {(F, MAKER), (F, CHECKER), (C, MAKER)},
    "documents.templates": {(F, ADMIN), (C, ADMIN)},
    "monitoring.view": EVERYONE,
    "monitoring.run": {(F, MAKER), (F, CHECKER), (C, MAKER), (C, CHECKER), (F, ADMIN)},
    "monitoring.review": {(F, MAKER), (C, MAKER)},
    "monitoring.check": {(F, CHECKER), (C, CHECKER)},
    "monitoring.export": EVERYONE,
    "audit.view": {(A, VIEWER), (F, ADMIN)},
    "accounts.admin": {(d, ADMIN) for d in Department},
    "users.manage": {(d, ADMIN) for d in Department},
    "reference.manage": {(d, ADMIN) for d in Department},
}


def allowed(department: str, role: str, action: str) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    return (Department(department), Role(role)) in PERMISSIONS[action]
