"""Templates (rules, audit, the 管理员's page and preview), the download, the checker upload and CLI."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from helpers import log_in
from jiuzhu.audit.models import AuditRecord
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.documents import services
from jiuzhu.documents.models import NoticeTemplate

SEED = os.path.join(os.path.dirname(__file__), "..", "fixtures", "notice-2022-82.txt")


@pytest.fixture
def template(seed_adjustment):
    return NoticeTemplate.objects.get(
        region=seed_adjustment.issuer, fund=seed_adjustment.fund, kind="adjustment"
    )


def page_of(template):
    return f"/documents/templates/{template.region_id}/{template.fund_id}/{template.kind}/"


def test_demo_stores_both_default_templates_once(template, seed_adjustment):
    assert NoticeTemplate.objects.filter(fund=seed_adjustment.fund).count() == 2
    assert {t.region.code for t in NoticeTemplate.objects.all()} == {"654200"}  # the issuer's own
    assert template.issuer_list == ("塔城地区财政局", "塔城地区民政局")
    assert services.do_load_default_templates() == 0  # running the demo again changes nothing


def test_save_refuses_every_problem_at_once_and_saves_nothing(users, template):
    values = {
        "body": "调整后安排补助资金{{ totl }}万元",
        "expenditure_code": "2089998",
        "copy_to": "地区审计局",
    }
    with pytest.raises(InvalidInput) as exc:
        services.do_save_template(
            actor=users["admin"], region=template.region, fund=template.fund, kind="adjustment", values=values
        )
    assert {p.code for p in exc.value.problems} == {"TEMPLATE_SYNTAX", "UNKNOWN_CODE", "COPY_TO_STOP"}
    assert "未知的变量" in str(exc.value)
    template.refresh_from_db()
    assert "{{ total }}" in template.body


def test_save_writes_and_audits(users, template):
    before = AuditRecord.objects.count()
    body = template.body.replace("经认真研究", "经地区财政局、民政局研究")
    services.do_save_template(
        actor=users["admin"],
        region=template.region,
        fund=template.fund,
        kind="adjustment",
        values={"body": body},
    )
    template.refresh_from_db()
    assert "经地区财政局、民政局研究" in template.body and template.updated_by == users["admin"]
    record = AuditRecord.objects.order_by("-id").first()
    assert AuditRecord.objects.count() == before + 1 and record.action == "documents.save_template"


def test_only_the_administrator_edits_templates(users, template, client):
    with pytest.raises(ActionRefused):
        services.do_save_template(
            actor=users["dq_cz_jb"], region=template.region, fund=template.fund, kind="adjustment", values={}
        )
    assert log_in(client, users["dq_cz_jb"]).get(page_of(template)).status_code == 403  # sees it, may not act


def test_a_county_administrator_neither_sees_nor_edits_the_prefectures_template(users, template, client):
    from jiuzhu.accounts.models import User

    county_admin = User.objects.create(
        username="ymx_admin", region=users["ymx_cz_jb"].region, department="finance", role="admin"
    )
    with pytest.raises(ActionRefused, match="管辖范围"):
        services.do_save_template(
            actor=county_admin, region=template.region, fund=template.fund, kind="adjustment", values={}
        )
    assert log_in(client, county_admin).get(page_of(template)).status_code == 404
    assert client.post(page_of(template), {"action": "save", "printer": "裕民县"}).status_code == 404
    home = client.get("/documents/").content.decode()
    assert "塔城地区财政局办公室" not in home and page_of(template) not in home
    template.refresh_from_db()
    assert template.printer == "塔城地区财政局办公室"
    # the county's own template: its administrator edits it, the prefecture's sees and may edit it too
    own = f"/documents/templates/{county_admin.region_id}/{template.fund_id}/adjustment/"
    page = client.get(own).content.decode()
    assert "塔城地区财政局" not in page  # no shipped wording of another issuer as a start
    values = {name: getattr(template, name) for name in services.FIELDS} | {
        "issuers": "裕民县财政局\n裕民县民政局",
        "printer": "裕民县财政局办公室",
        "action": "save",
    }
    assert client.post(own, values).status_code == 302
    saved = NoticeTemplate.objects.get(region=county_admin.region, kind="adjustment")
    assert saved.printer == "裕民县财政局办公室"
    assert AuditRecord.objects.filter(action="documents.save_template").get().region_path == saved.region.path
    home = log_in(client, users["admin"]).get("/documents/").content.decode()
    assert "下级地区的模板" in home and own in home
    assert client.get(own).status_code == 200


def test_template_page_previews_the_figures_and_shows_errors_in_chinese(users, template, client):
    url = page_of(template)
    page = log_in(client, users["admin"]).get(url).content.decode()
    assert "调整后当年实际安排补助资金413万元（大写：肆佰壹拾叁万元整）" in page
    bad = {name: getattr(template, name) for name in services.FIELDS} | {
        "body": "{% if total %}未闭合",
        "action": "preview",
    }
    page = client.post(url, bad).content.decode()
    assert "模板写法有误：第1行的“{% if %}”没有结束标记（应有“{% endif %}”）" in page
    assert "Unclosed" not in page and "Looking for" not in page  # Django's English stays out
    template.refresh_from_db()
    assert "{% if total %}" not in template.body


def test_plan_page_offers_the_notice_and_the_download_is_the_whole_notice(users, seed_adjustment, client):
    page = log_in(client, users["dq_cz_jb"]).get(f"/allocation/{seed_adjustment.pk}/").content.decode()
    assert f"/documents/notice/{seed_adjustment.pk}.docx" in page
    response = client.get(f"/documents/notice/{seed_adjustment.pk}.docx")
    assert response.status_code == 200 and response.content.startswith(b"PK")
    from jiuzhu.documents.extract import docx_text

    text = docx_text(response.content)
    assert "塔地财社〔2022〕82号" in text and "和布克赛尔县\t43\t31\t0\t-31\t12" in text


def test_county_user_gets_no_notice_of_the_prefecture(users, seed_adjustment, client):
    page = log_in(client, users["tcs_cz_jb"]).get(f"/allocation/{seed_adjustment.pk}/").content.decode()
    assert "/documents/notice/" not in page
    response = client.get(f"/documents/notice/{seed_adjustment.pk}.docx")
    assert response.status_code == 302  # refused with a message, back to the plan


def test_unapproved_plan_has_no_notice(users, seed_adjustment, client):
    from jiuzhu.allocation.models import Plan

    Plan.objects.filter(pk=seed_adjustment.pk).update(status=Plan.SUBMITTED)
    response = log_in(client, users["dq_cz_jb"]).get(
        f"/documents/notice/{seed_adjustment.pk}.docx", follow=True
    )
    assert "只有已审核的方案可以生成公文" in response.content.decode()


def test_upload_checks_the_seed_notice(users, client, demo):
    with open(SEED, "rb") as f:
        upload = SimpleUploadedFile("notice.txt", f.read(), content_type="text/plain")
    page = log_in(client, users["dq_cz_jb"]).post("/documents/check/", {"file": upload}).content.decode()
    assert "413万元" in page and "和丰县" in page and "序号顺序有误" in page


def test_upload_is_read_by_content_not_name(users, client, demo):
    fake = SimpleUploadedFile("notice.pdf", b"\x00\x01binary" * 100, content_type="application/pdf")
    page = (
        log_in(client, users["dq_cz_jb"])
        .post("/documents/check/", {"file": fake}, follow=True)
        .content.decode()
    )
    assert "不支持的文件类型" in page


def test_check_command_exit_status(demo, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("check_notice", SEED)
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert "第11行" in out and "413万元" in out and "和丰县" in out
    assert "ROW_SUM_MISMATCH" not in out and "填为" not in out  # the tables' arithmetic is right


def test_documents_home_lists_notices_and_templates_by_role(users, seed_adjustment, client):
    page = log_in(client, users["admin"]).get("/documents/").content.decode()
    assert "塔地财社〔2022〕82号" in page and "公文模板" in page
    page = log_in(client, users["dq_sj_ck"]).get("/documents/").content.decode()
    assert "塔地财社〔2022〕82号" in page and "公文模板" not in page
    assert f"/documents/notice/{seed_adjustment.pk}.docx" not in page  # the auditor views, does not generate
