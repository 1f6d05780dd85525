from django.http import HttpRequest

#: The main menu: (title, url name or None while the page is to come, the action a user needs to see it).
#: Which menu item counts which of the 工作台's waiting items (desk.waiting).
MENU_AREAS = {"allocation:list": "allocation", "ledger:home": "ledger", "ledger:payouts": "payouts"}

MENU: list[tuple[str, str | None, str | None]] = [
    ("资金分配", "allocation:list", "allocation.view"),
    ("指标管理", "ledger:home", "ledger.view"),
    ("支付发放", "ledger:payouts", "ledger.view"),
    ("查询", "ledger:search", "ledger.view"),
    ("监控预警", "monitoring:dashboard", "monitoring.view"),
    ("一卡通监管", "cards:index", "cards.view"),
    ("绩效管理", "performance:home", "performance.view"),
    ("跟踪反馈", "reports:home", "reports.view"),
    ("支出进度", "yearend:execution", "yearend.view"),
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

    from .waiting import waiting

    items = []
    user = getattr(request, "user", None)
    waits = waiting(user, reports=False) if user is not None and user.is_authenticated else None
    for title, name, action in MENU:
        if not _may_see(user, action):
            continue
        try:
            url = reverse(name) if name else None
        except NoReverseMatch:
            url = None
        area = MENU_AREAS.get(name or "")
        count = waits.count(area) if waits is not None and area else 0
        items.append({"title": title, "url": url, "active": False, "count": count})
    # the one item whose address is the longest start of the page's (查询 under 指标管理's /ledger/)
    matching = [i for i in items if i["url"] and request.path.startswith(str(i["url"]))]
    if matching:
        max(matching, key=lambda i: len(str(i["url"])))["active"] = True
    return {"main_menu": items}
