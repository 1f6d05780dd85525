"""一卡通监管: reference lists and their rows, verification samples and their calls, complaints."""

from django.db import models

from jiuzhu.core.fields import MoneyField
from jiuzhu.domain.purposes import PURPOSE_LABELS
from jiuzhu.domain.reference_lists import KIND_LABELS
from jiuzhu.domain.sampling import METHODS, OUTCOME_LABELS

KIND_CHOICES = [(k.value, label) for k, label in KIND_LABELS.items()]
OUTCOME_CHOICES = [(o.value, label) for o, label in OUTCOME_LABELS.items()]
METHOD_CHOICES = list(METHODS.items())
PURPOSE_CHOICES = [(p.value, label) for p, label in PURPOSE_LABELS.items()]


class ReferenceList(models.Model):
    """One import of a list for a region: versions count up per (region, kind); the newest one is in force."""

    kind = models.CharField("名单类别", max_length=16, choices=KIND_CHOICES)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField("版本")
    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField("人数")
    imported_by = models.CharField("导入人", max_length=150)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    superseded_at = models.DateTimeField("被替换时间", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "version"], name="uniq_reflist_version")
        ]
        ordering = ["region__path", "kind", "-version"]
        verbose_name = "比对名单"

    def __str__(self) -> str:
        return f"{self.region} {self.get_kind_display()} 第{self.version}版"

    @property
    def in_force(self) -> bool:
        return self.superseded_at is None


class ReferenceEntry(models.Model):
    """One person of a list, with the months barred as ``yyyymm`` (``domain.reference_lists``)."""

    list = models.ForeignKey(ReferenceList, on_delete=models.CASCADE, related_name="entries")
    row_no = models.IntegerField("行号")
    per_name = models.CharField("姓名", max_length=64)
    iden_no = models.CharField("证件号码", max_length=18, db_index=True)
    start_ym = models.IntegerField("起始月份")
    end_ym = models.IntegerField("终止月份", null=True, blank=True)
    start_date = models.DateField("日期", null=True, blank=True)
    end_date = models.DateField("终止日期", null=True, blank=True)
    purpose = models.CharField("支出方向", max_length=16, blank=True)
    detail = models.CharField("单位/原因/来源", max_length=200, blank=True)
    doc_no = models.CharField("文号", max_length=200, blank=True)
    add_word = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["list", "row_no"]

    def __str__(self) -> str:
        return f"{self.list_id}:{self.row_no}"


class Sample(models.Model):
    """One draw of 回访核查 for a county, month and purpose (empty: all purposes, stratified)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    pay_month = models.CharField("发放月份", max_length=4)
    purpose = models.CharField("支出方向", max_length=16, choices=PURPOSE_CHOICES, blank=True)
    confidence = models.PositiveSmallIntegerField("置信水平（%）")
    margin_bp = models.PositiveIntegerField("允许误差（万分之）")
    population = models.PositiveIntegerField("总体人数")
    size = models.PositiveIntegerField("样本量")
    seed = models.BigIntegerField("随机种子")
    drawn_by = models.CharField("抽样人", max_length=150)
    drawn_at = models.DateTimeField("抽样时间", auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = "回访核查"

    def __str__(self) -> str:
        return f"{self.region} {self.fiscal_year}年{self.pay_month}月 回访核查"


class SampleItem(models.Model):
    """One drawn payout (a person of the sample) and the outcome of asking them."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="items")
    payout_id = models.BigIntegerField("发放记录")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    pay_month = models.CharField("发放月份", max_length=4)
    purpose = models.CharField("支出方向", max_length=16)
    per_name = models.CharField("姓名", max_length=64)
    iden_no = models.CharField("证件号码", max_length=64)
    pay_cert_no = models.CharField("支付凭证号", max_length=64)
    village_name = models.CharField("村", max_length=64, blank=True)
    xpay_amt = MoneyField("实发金额")
    outcome = models.CharField("核查结果", max_length=16, choices=OUTCOME_CHOICES, blank=True)
    method = models.CharField("核查方式", max_length=8, choices=METHOD_CHOICES, blank=True)
    verifier = models.CharField("核查人", max_length=64, blank=True)
    verified_on = models.DateField("核查日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.CharField("登记人", max_length=150, blank=True)

    class Meta:
        ordering = ["sample", "purpose", "iden_no", "id"]

    def __str__(self) -> str:
        return f"{self.sample_id}:{self.payout_id}"


class Complaint(models.Model):
    """投诉举报: received, assigned to a county, answered before ``due_on``; linked to findings."""

    OPEN, REPLIED = "open", "replied"
    STATES = [(OPEN, "办理中"), (REPLIED, "已答复")]
    CHANNELS = [
        ("phone", "电话"),
        ("hotline", "12345热线"),
        ("letter", "来信"),
        ("visit", "来访"),
        ("online", "网络"),
    ]

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField("年度", help_text="the year it was received")
    received_on = models.DateField("收到日期")
    channel = models.CharField("渠道", max_length=16, choices=CHANNELS)
    complainant = models.CharField("投诉人", max_length=64, help_text="may be 匿名")
    contact = models.CharField("联系方式", max_length=64, blank=True)
    content = models.TextField("反映内容")
    person_name = models.CharField("被反映人", max_length=64, blank=True)
    iden_no = models.CharField("被反映人证件号码", max_length=18, blank=True)
    pay_cert_no = models.CharField("涉及支付凭证号", max_length=64, blank=True)
    due_on = models.DateField("答复期限")
    state = models.CharField("状态", max_length=16, choices=STATES, default=OPEN)
    reply = models.TextField("答复内容", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    replied_by = models.CharField("答复人", max_length=150, blank=True)
    created_by = models.CharField("登记人", max_length=150)
    findings = models.ManyToManyField("monitoring.Finding", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["state", "due_on", "id"]
        verbose_name = "投诉举报"

    def __str__(self) -> str:
        return f"投诉{self.pk} {self.region}"
