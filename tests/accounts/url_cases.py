"""Matrix cases for the core pages, allocation and accounts (see tests/urlmatrix.py)."""

from decimal import Decimal
from typing import Any

from helpers import draft_plan, post_only
from urlmatrix import Case, Count, World, can, only_with, row_of, scoped_thing

# --- the world's plans ---------------------------------------------------------------------------------------

PLANS = ["seed_adjustment", "pref_draft", "pref_submitted", "county_a", "county_b", "alt_approved"]


def _plan_visible(name: str) -> Any:
    """Issued in the user's area, or approved and sending money into it (with only the user's rows shown)."""

    def visible(w: World, u: Any) -> bool:
        plan = w[name]
        if w.in_area(u, plan.issuer.path):
            return True
        return plan.status == "approved" and any(w.in_area(u, r.region.path) for r in plan.rows.all())

    return visible


def _make_plan(
    w: World,
    *,
    maker: str,
    region: str,
    doc_no: str,
    lines: list[Any],
    status: str,
    checker: str = "",
    kind: str = "allocation",
) -> Any:
    from jiuzhu.allocation import services
    from jiuzhu.approvals import review
    from jiuzhu.regions.models import Region

    plan = draft_plan(
        w.users[maker], doc_no=doc_no, kind=kind, title="矩阵测试方案", issuer=Region.objects.get(code=region)
    )
    if lines:
        services.do_save_rows(actor=w.users[maker], plan=plan, lines=lines)
    if status in ("submitted", "approved"):
        services.do_submit_plan(actor=w.users[maker], plan=plan)
    if status == "approved":
        review.approve(plan, w.users[checker])
    plan.refresh_from_db()
    return plan


def build_world(w: World) -> None:
    from jiuzhu.allocation.models import Plan
    from jiuzhu.domain.allocation import AdjustmentLine

    seed = Plan.objects.get(doc_no="塔地财社〔2022〕82号")
    w.add(
        "seed_adjustment",
        seed,
        region_path=seed.issuer.path,
        markers=[],
        visible_to=_plan_visible("seed_adjustment"),
    )
    for name, status, doc_no in (
        ("pref_draft", "draft", "塔地财社〔2022〕901号"),
        ("pref_submitted", "submitted", "塔地财社〔2022〕902号"),
    ):
        plan = _make_plan(
            w, maker="dq_cz_jb", region="654200", doc_no=doc_no, lines=[], status="draft", kind="adjustment"
        )
        if status == "submitted":
            from jiuzhu.allocation import services

            services.do_submit_plan(actor=w.users["dq_cz_jb"], plan=plan)
            plan.refresh_from_db()
        w.add(name, plan, region_path=plan.issuer.path, markers=[doc_no], visible_to=_plan_visible(name))
    for name, maker, region, doc_no, amount, status, checker in (
        ("county_a", "ymx_cz_jb", "654225", "裕财社〔2022〕11号", "12345.67", "draft", ""),
        ("county_b", "ems_cz_jb", "654221", "额财社〔2022〕22号", "98765.43", "submitted", ""),
        ("alt_approved", "alt_cz_jb", "654300", "阿地财社〔2022〕33号", "55555.55", "approved", "alt_cz_sh"),
    ):
        lines = [AdjustmentLine(region, increase=Decimal(amount))]
        plan = _make_plan(
            w, maker=maker, region=region, doc_no=doc_no, lines=lines, status=status, checker=checker
        )
        # The amount in 万元 as the pages print it (12345.67 元 → 1.234567).
        wan = f"{(Decimal(amount) / 10000).normalize():f}"
        w.add(name, plan, region_path=plan.issuer.path, markers=[doc_no, wan], visible_to=_plan_visible(name))

    build_rules(w)
    from axes.models import AccessAttempt
    from django.conf import settings

    for name, username in TARGET_USERS.items():
        user = w.users[username]
        w.add(name, user, region_path=user.region.path, markers=[])
        # locked out, so that unlocking them changes something
        AccessAttempt.objects.create(
            username=username,
            ip_address="10.0.0.9",
            user_agent="matrix",
            failures_since_start=settings.AXES_FAILURE_LIMIT,
        )


def _lockout(name: str) -> Any:
    """A user's lockout: the failed-login records the administrator's unlock clears."""

    def state(w: World) -> int:
        from axes.models import AccessAttempt

        return AccessAttempt.objects.filter(username=w[name].username).count()

    return state


def _code_2082001(w: World) -> Any:
    from jiuzhu.funds.models import ClassificationCode

    return ClassificationCode.objects.filter(fiscal_year=2022, code="2082001").values().first()


TARGET_USERS = {
    "user_county_a": "ymx_cz_sh",
    "user_county_b": "ems_cz_sh",
    "user_prefecture": "dq_mz_jb",
    "user_alt": "alt_cz_jb",
}


RULES = {
    "rule_county_a": "654225",
    "rule_county_b": "654221",
    "rule_prefecture": "654200",
    "rule_alt": "654300",
}


def build_rules(w: World) -> None:
    from jiuzhu.approvals.models import ApprovalRule
    from jiuzhu.regions.models import Region

    for name, code in RULES.items():
        region = Region.objects.get(code=code)
        rule = ApprovalRule.objects.create(
            region=region,
            subject="allocation.plan",
            min_amount=Decimal(123),
            approvals_required=2,
            created_by=w.users["admin"],
        )
        w.add(name, rule, region_path=region.path, markers=[])


def _users_in_area(w: World, u: Any) -> int:
    """The users of the administrator's area, counted from the world (0: a non-administrator sees no count)."""
    if not can(u, "users.manage"):
        return 0
    return sum(1 for o in w.users.values() if o.region is not None and w.in_area(u, o.region.path))


USER_COUNT = Count(r"（(\d+) 个用户）", _users_in_area)


# --- expectations --------------------------------------------------------------------------------------------


def _sees(name: str) -> Any:
    return lambda w, u: 200 if w.sees(u, name) else 404


def _acts(name: str, action: str, ok: int) -> Any:
    """404 for a plan the user cannot see; 403 if it is not their area's plan or not their role; else ``ok``."""

    def expect(w: World, u: Any) -> int:
        plan = w[name]
        if not w.sees(u, name):
            return 404
        if not w.in_area(u, plan.issuer.path) or not can(u, action):
            return 403
        return ok

    return expect


def _edit_page(name: str) -> Any:
    inner = _acts(name, "allocation.edit", 200)

    def expect(w: World, u: Any) -> int:
        status = inner(w, u)
        # A plan that is no longer editable sends the editor back to the detail page with a message.
        return 302 if status == 200 and w[name].status not in ("draft", "returned") else status

    return expect


def _while(*statuses: str) -> Any:
    """``writes`` for a plan action: carried out only while the plan is in one of ``statuses``; otherwise the
    service refuses and the page redirects with its reason."""
    return lambda name: lambda w, u: w[name].status in statuses


def _pk(name: str) -> Any:
    return lambda w: {"pk": w[name].pk}


def _per_plan(**case: Any) -> list[Case]:
    """One case per world plan; ``expect`` and ``writes`` are factories taking the plan's name. A POST's state is
    the plan's row and its review steps."""
    out = []
    for name in PLANS:
        extra = {k: v(name) if k in ("expect", "writes") else v for k, v in case.items()}
        if case.get("method") == "post":
            extra["state"] = row_of(name, subject="allocation.plan")
        out.append(Case(label=name, kwargs=_pk(name), **extra))
    return out


def _factor_form(w: World) -> dict[str, Any]:
    """因素法 with a one-factor table of 裕民县 (the only region a county's editor has)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    table = "地区,救助任务量\n权重,1\n裕民县,100\n".encode()
    return {"total": "1万元", "table": SimpleUploadedFile("因素表.csv", table, content_type="text/csv")}


def _fills_by_factors(name: str) -> Any:
    """``writes`` of 因素法: only a draft allocation takes it (an adjustment is typed per region)."""
    return lambda w, u: w[name].status in ("draft", "returned") and w[name].kind == "allocation"


def _exports() -> list[Case]:
    return [
        Case(
            label=f"{name}.{fmt}",
            kwargs=lambda w, n=name, f=fmt: {"pk": w[n].pk, "fmt": f},
            expect=_sees(name),
        )
        for name in PLANS
        for fmt in ("xlsx", "csv", "json")
    ]


CASES: dict[str, list[Case]] = {
    "home": [Case()],
    "login": [Case(public=True)],
    "healthz": [Case(public=True)],
    "logout": [
        Case(label="GET", expect=lambda w, u: 405),
        Case(label="POST", method="post", expect=lambda w, u: 302),
    ],
    "allocation:list": [Case()],
    "allocation:create": [Case(expect=only_with("allocation.edit"))],
    "allocation:detail": _per_plan(expect=_sees),
    "allocation:edit": _per_plan(expect=_edit_page),
    "allocation:validate": post_only(
        _per_plan(method="post", expect=lambda n: _acts(n, "allocation.edit", 200))
    ),
    "allocation:submit": post_only(
        _per_plan(method="post", expect=lambda n: _acts(n, "allocation.submit", 302), writes=_while("draft"))
    ),
    "allocation:factors": post_only(
        _per_plan(
            method="post",
            data=_factor_form,
            expect=lambda n: _acts(n, "allocation.edit", 302),
            writes=_fills_by_factors,
        )
    ),
    "allocation:export": _exports(),
    "accounts:password_change": [Case()],
    "accounts:admin_home": [Case(expect=only_with("accounts.admin"), counts=(USER_COUNT,))],
    "accounts:users": [Case(expect=only_with("users.manage"))],
    "accounts:user_create": [Case(expect=only_with("users.manage"))],
    "accounts:user_edit": [
        Case(label=n, kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=scoped_thing(n, "users.manage"))
        for n in TARGET_USERS
    ],
    "accounts:user_password": post_only(
        [
            Case(
                label=n,
                method="post",
                kwargs=lambda w, n=n: {"pk": w[n].pk},
                data=lambda w: {"password": "Matrix#Reset2022"},
                expect=scoped_thing(n, "users.manage", 302),
                state=row_of(n),
            )
            for n in TARGET_USERS
        ]
    ),
    "accounts:user_unlock": post_only(
        [
            Case(
                label=n,
                method="post",
                kwargs=lambda w, n=n: {"pk": w[n].pk},
                expect=scoped_thing(n, "users.manage", 302),
                state=_lockout(n),
            )
            for n in TARGET_USERS
        ]
    ),
    "funds:home": [Case(), Case(label="2022", query="?year=2022"), Case(label="bad year", query="?year=abc")],
    "funds:code_save": post_only(
        [
            Case(
                method="post",
                data=lambda w: {
                    "fiscal_year": "2022",
                    "code": "2082001",
                    "kind": "expenditure",
                    "name": "矩阵测试科目",
                    "purpose": "",
                },
                expect=only_with("reference.manage", 302),
                state=_code_2082001,
                # Shared codes are edited at the top level only; this world has two prefectures (塔城, 阿勒泰)
                # and no province user, so there is none until JIUZHU_TOP_REGION names one: every
                # administrator is refused with the reason (test_powers.py covers the top level's edit).
                writes=lambda w, u: False,
            )
        ]
    ),
    "approvals:rules": [Case(expect=only_with("reference.manage"))],
    "approvals:rule_delete": post_only(
        [
            Case(
                label=name,
                method="post",
                kwargs=lambda w, n=name: {"pk": w[n].pk},
                expect=scoped_thing(name, "reference.manage", 302),
                state=row_of(name),
            )
            for name in RULES
        ]
    ),
}
