import pytest

pytestmark = pytest.mark.django_db


def test_county_clerk_sees_only_its_own_row(client, users, seed_adjustment):
    client.force_login(users["ymx_cz_jb"])  # 裕民县
    body = client.get(f"/allocation/{seed_adjustment.pk}/").content.decode()
    assert "裕民县" in body and "256" in body
    for other in ("塔城市", "额敏县", "乌苏市", "沙湾市", "托里县", "和布克赛尔县"):
        assert other not in body
    assert "编辑" not in body and "审核通过" not in body
    export = client.get(f"/allocation/{seed_adjustment.pk}/export.json").json()
    assert [r["name"] for r in export["rows"]] == ["裕民县"]


def test_prefecture_checker_sees_everything_but_cannot_edit(client, users, seed_adjustment):
    client.force_login(users["dq_cz_sh"])
    body = client.get("/allocation/").content.decode()
    assert "塔地财社〔2022〕82号" in body and "新建方案" not in body
    assert client.get("/allocation/new/").status_code == 403  # not a foreign record: a refused action
    assert client.get(f"/allocation/{seed_adjustment.pk}/edit/").status_code == 403  # a checker never edits
    client.force_login(users["dq_cz_jb"])  # the maker may edit, but not an approved plan
    response = client.get(f"/allocation/{seed_adjustment.pk}/edit/", follow=True)
    assert response.redirect_chain[-1][0] == f"/allocation/{seed_adjustment.pk}/"
    assert "该方案当前不能编辑" in response.content.decode()


def test_anonymous_is_sent_to_login(client, seed_adjustment):
    response = client.get(f"/allocation/{seed_adjustment.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_xlsx_download(client, users, seed_adjustment):
    client.force_login(users["dq_sj_ck"])
    response = client.get(f"/allocation/{seed_adjustment.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_saving_a_plan_someone_saved_since_it_was_opened_is_refused_and_overwrites_nothing(client, users):
    import datetime
    import re
    from decimal import Decimal

    from jiuzhu.allocation import services
    from jiuzhu.allocation.models import Plan
    from jiuzhu.domain.allocation import AdjustmentLine
    from jiuzhu.funds.models import Fund

    plan = services.do_create_plan(
        actor=users["dq_cz_jb"], fund=Fund.objects.get(fiscal_year=2022), kind=Plan.ALLOCATION,
        doc_no="塔地财社〔2022〕98号", title="乐观锁", doc_date=datetime.date(2022, 12, 1),
        issuer=users["dq_cz_jb"].region,
    )  # fmt: skip
    client.force_login(users["dq_cz_jb"])
    page = client.get(f"/allocation/{plan.pk}/edit/").content.decode()
    opened = re.search(r'name="version" value="(\d+)"', page)[1]
    # Meanwhile someone else saves 裕民县 = 10万元.
    services.do_save_rows(
        actor=users["dq_cz_jb"], plan=plan, lines=[AdjustmentLine("654225", increase=Decimal(100000))]
    )
    cells = dict.fromkeys(re.findall(r'name="((?:base|decrease|increase)_\d{6})"', page), "0")
    response = client.post(
        f"/allocation/{plan.pk}/edit/", {**cells, "increase_654225": "20", "version": opened}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "方案在您打开后已被他人修改并保存，您这次的修改没有保存" in body
    assert f'name="version" value="{opened}"' in body  # saving this page again is refused too
    assert [str(r.increase) for r in Plan.objects.get(pk=plan.pk).rows.all()] == ["100000.00"]
