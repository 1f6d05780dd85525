"""Every message a user sees is Chinese and in the clerk's words (issue 11, point 8)."""

import re

import pytest
from django.test import Client

from jiuzhu.domain.problems import Problem, Where

pytestmark = pytest.mark.django_db
LATIN_WORDS = re.compile(r"\b[A-Za-z]{4,}\b")


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_password_rules_speak_chinese(users):
    from jiuzhu.accounts.services import _password_problems

    messages = [p.message for p in _password_problems("12", None)]
    assert "密码太短，至少需要8个字符" in messages
    assert not any(LATIN_WORDS.search(m) for m in messages), messages
    assert str(_password_problems("12", None)[0]).startswith("密码：")  # a form field, not “密码”列


def test_a_form_field_is_not_called_a_column_but_a_file_column_is():
    assert str(Problem("X", "请填写", Where(column="文号"))) == "文号：请填写"
    assert str(Problem("X", "不对", Where(row=3, column="证件号码"))) == "第3行，“证件号码”列：不对"


def test_error_pages_are_chinese(users, client, settings):
    settings.DEBUG = False
    page = _client(users["dq_cz_jb"]).get("/no-such-page/")
    assert page.status_code == 404 and "页面不存在" in page.content.decode()
    from django.template.loader import render_to_string

    assert "系统出错了" in render_to_string("500.html")
    assert "请求有误" in render_to_string("400.html", {"user": users["dq_cz_jb"]})


def test_appropriation_keys_have_no_pinyin(users, seed_adjustment):
    import datetime

    from jiuzhu.domain.ledger import RegistrationLine
    from jiuzhu.domain.purposes import Purpose
    from jiuzhu.ledger import services
    from jiuzhu.ledger.models import Appropriation, Movement

    movement = Movement.objects.filter(region__code="654225").order_by("id").first()
    services.do_register_receipt(
        actor=users["ymx_cz_jb"],
        movement=movement,
        cor_bgt_doc_no="裕财社〔2022〕3号",
        lines=[
            RegistrationLine("2081902", Purpose.SUBSISTENCE, movement.amount - 90000),
            RegistrationLine("2082001", Purpose.TEMPORARY, 90000),
        ],
        registered_on=datetime.date(2022, 2, 10),
    )
    keys = sorted(Appropriation.objects.values_list("bgt_id", flat=True))
    fund = movement.fund_id  # a database id: 1 on SQLite, whatever the sequence gives on PostgreSQL
    assert keys == [f"654225000-2022-{fund}-2081902-01", f"654225000-2022-{fund}-2082001-03"]


def test_the_import_page_keeps_technical_details_behind_a_toggle(users, seed_adjustment):
    from jiuzhu.ledger.models import ImportBatch
    from jiuzhu.regions.models import Region

    batch = ImportBatch.objects.create(
        kind=ImportBatch.PAYOUTS,
        region=Region.objects.get(code="654225"),
        filename="五月发放.xlsx",
        sha256="ab" * 32,
        size=1234,
        status=ImportBatch.FAILED,
        phase="checking",
        attempts=1,
        error="OperationalError: database is locked",
        created_by="ymx_cz_jb",
        fiscal_year=2022,
    )
    page = _client(users["ymx_cz_jb"]).get(f"/ledger/imports/{batch.pk}/").content.decode()
    visible, technical = page.split("<summary>技术信息</summary>", 1)
    for jargon in ("sha256", "阶段", "尝试", "OperationalError", "checking"):
        assert jargon not in visible, jargon
    assert "OperationalError" in technical and "ab" * 32 in technical
    assert "导入没有完成" in visible
