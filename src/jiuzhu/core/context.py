from django.http import HttpRequest

#: The main menu: (title, url name or None while the page is to come).
MENU = [
    ("资金分配", "allocation:list"),
    ("指标管理", "ledger:home"),
    ("支付发放", "ledger:payouts"),
    ("监控预警", None),
    ("绩效管理", None),
    ("跟踪反馈", None),
    ("公文", "documents:home"),
    ("系统管理", "accounts:admin_home"),
]


def menu(request: HttpRequest) -> dict[str, object]:
    from django.urls import NoReverseMatch, reverse

    items = []
    for title, name in MENU:
        try:
            url = reverse(name) if name else None
        except NoReverseMatch:
            url = None
        items.append(
            {"title": title, "url": url, "active": bool(url) and request.path.startswith(url or "~")}
        )
    return {"main_menu": items}
