from django.http import HttpRequest

#: The main menu: (title, url name or None while the page is to come, the action a user needs to see it).
MENU: list[tuple[str, str | None, str | None]] = [
    ("资金分配", "allocation:list", "allocation.view"),
    ("指标管理", "ledger:home", "ledger.view"),
    ("支付发放", "ledger:payouts", "ledger.view"),
    ("监控预警", "monitoring:dashboard", "monitoring.view"),
    ("绩效管理", "performance:home", "performance.view"),
    ("跟踪反馈", "reports:home", "reports.view"),
    ("公文", "documents:home", "documents.view"),
    ("审计日志", "audit:list", "audit.view"),
    ("系统管理", "accounts:admin_home", "accounts.admin"),
]


def _may_see(user: object, action: str | None) -> bool:
    """Menu items show only what the user may use (the views refuse the rest anyway)."""
    if action is None:
        return True
    can = getattr(user, "can", None)
    return bool(can and can(action))


def menu(request: HttpRequest) -> dict[str, object]:
    from django.urls import NoReverseMatch, reverse

    items = []
    user = getattr(request, "user", None)
    for title, name, action in MENU:
        if not _may_see(user, action):
            continue
        try:
            url = reverse(name) if name else None
        except NoReverseMatch:
            url = None
        items.append(
            {"title": title, "url": url, "active": bool(url) and request.path.startswith(url or "~")}
        )
    return {"main_menu": items}
