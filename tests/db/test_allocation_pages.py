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
    assert client.get("/allocation/new/").status_code == 404
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
