"""The direct-fund ledger: appropriation movements, registrations, payments and per-person payouts.

Balances are never stored: an appropriation's registered amount is the sum of its registration lines, its
paid amount the sum of its payment vouchers, and so on (see ``selectors``). Every row that carries the
direct-fund tag copies it from the row before it in the chain; no service edits it.
"""

from django.conf import settings
from django.db import models

from jiuzhu.core.fields import MoneyField, OptionalText
from jiuzhu.domain.ledger import MovementKind
from jiuzhu.domain.purposes import PURPOSE_LABELS

PURPOSE_CHOICES = [(p.value, label) for p, label in PURPOSE_LABELS.items()]


class Movement(models.Model):
    """指标变动: what a region received (or gave back) under an approved plan; booked on approval."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="接收地区"
    )
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey("allocation.Plan", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=16, choices=[(k.value, k.label) for k in MovementKind])
    amount = MoneyField("金额", help_text="signed: 调减 is negative")
    sup_bgt_doc_no = models.CharField("上级指标文号", max_length=64)
    income_code = models.CharField("收入分类科目", max_length=16)
    direct_fund_tag = models.CharField("直达资金标识", max_length=2, editable=False)
    received_on = models.DateField("接收日期")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "region", "kind"], name="uniq_movement")]
        ordering = ["received_on", "id"]
        verbose_name = "指标变动"

    def __str__(self) -> str:
        return f"{self.sup_bgt_doc_no} {self.get_kind_display()} {self.amount}"


class Appropriation(models.Model):
    """本级指标: the county's own appropriation for one purpose and expenditure code, fed by registrations."""

    bgt_id = models.CharField("指标主键", max_length=40, unique=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    exp_func_code = models.CharField("支出功能分类科目", max_length=16)
    purpose = models.CharField("支出方向", max_length=16, choices=PURPOSE_CHOICES)
    cor_bgt_doc_no = models.CharField("本级指标文号", max_length=64, help_text="of the first registration")
    income_code = models.CharField("收入分类科目", max_length=16)
    direct_fund_tag = models.CharField("直达资金标识", max_length=2, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "fund", "exp_func_code", "purpose"], name="uniq_appropriation"
            )
        ]
        ordering = ["region__path", "purpose", "exp_func_code"]
        verbose_name = "指标"

    def __str__(self) -> str:
        return f"{self.bgt_id} {self.get_purpose_display()}"


class Registration(models.Model):
    """指标登记 of one movement by the receiving region; its lines sum to the movement.

    Maker-checker: a registration is submitted by a 经办 and counts (in balances, reports and the payment
    importer's links) only once a 审核 of the same region and department approved it (``approvals``). A returned
    registration keeps its lines for the maker to correct and submit again; they count for nothing meanwhile.
    """

    SUBMITTED, APPROVED, RETURNED = "submitted", "approved", "returned"
    STATUSES = [(SUBMITTED, "待审核"), (APPROVED, "已审核"), (RETURNED, "已退回")]

    movement = models.OneToOneField(Movement, on_delete=models.PROTECT, related_name="registration")
    cor_bgt_doc_no = models.CharField("本级指标文号", max_length=64)
    registered_on = models.DateField("登记日期")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("审核状态", max_length=16, choices=STATUSES, default=SUBMITTED)
    return_reason = models.TextField("退回原因", blank=True)
    approved_at = models.DateTimeField("审核通过时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "指标登记"

    def __str__(self) -> str:
        return f"{self.cor_bgt_doc_no} ({self.registered_on})"


class RegistrationLine(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="lines")
    appropriation = models.ForeignKey(Appropriation, on_delete=models.PROTECT, related_name="lines")
    amount = MoneyField("金额", help_text="signed like the movement")

    def __str__(self) -> str:
        return f"{self.appropriation_id}: {self.amount}"


class ImportBatch(models.Model):
    """One imported file, kept with its sha256: the same content is imported once.

    ``status`` is the import's own progress. A ``done`` batch moves money only once approved (``approved_at``
    set by the checker who completes its round in ``approvals``); until then its rows are stored but counted
    nowhere. A checker who returns it removes its rows: the batch ends ``returned`` with the reason, and the
    same file may be imported again as a new submission.
    """

    PAYMENTS, DISBURSEMENTS = "payments", "disbursements"
    KINDS = [(PAYMENTS, "支付凭证"), (DISBURSEMENTS, "到人到户发放明细")]
    QUEUED, RUNNING, DONE, REJECTED, FAILED = "queued", "running", "done", "rejected", "failed"
    RETURNED = "returned"
    STATUSES = [
        (QUEUED, "排队中"),
        (RUNNING, "导入中"),
        (DONE, "已导入"),
        (REJECTED, "已拒绝"),
        (FAILED, "失败"),
        (RETURNED, "已退回"),
    ]

    kind = models.CharField("类型", max_length=16, choices=KINDS)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField("字节数")
    stored_path = models.CharField(max_length=255, help_text="the kept file, under MEDIA_ROOT")
    status = models.CharField("状态", max_length=16, choices=STATUSES, default=QUEUED)
    phase = models.CharField("阶段", max_length=32, blank=True)
    rows_total = models.IntegerField("总行数", default=0)
    rows_done = models.IntegerField("已处理行数", default=0)
    rows_stored = models.IntegerField("入库行数", default=0)
    problems = models.JSONField("问题", default=list)
    error = models.TextField("错误", blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.IntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField("导入人", max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    amount = MoneyField(
        "金额", null=True, blank=True, help_text="Σ实际支付金额 or Σ实发金额 of the stored rows"
    )
    approved_at = models.DateTimeField("审核通过时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    fiscal_year = models.PositiveSmallIntegerField(
        "年度",
        null=True,
        blank=True,
        help_text="of the stored rows (payout batches: the duplicate check's scope)",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "sha256"], condition=models.Q(status="done"), name="uniq_imported_file"
            ),
        ]
        verbose_name = "导入批次"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def awaiting_approval(self) -> bool:
        return self.status == self.DONE and self.approved_at is None

    @property
    def review_label(self) -> str:
        if self.status == self.RETURNED:
            return "已退回"
        if self.status != self.DONE:
            return ""
        return "待审核" if self.approved_at is None else "已审核"


class Payment(models.Model):
    """支付凭证 (PAY_VOUCHER_BILL): a treasury payment against one appropriation."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    appropriation = models.ForeignKey(Appropriation, on_delete=models.PROTECT, related_name="payments")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="payments")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    pay_cert_no = models.CharField("支付凭证号", max_length=64)
    exp_func_code = models.CharField("支出功能分类科目", max_length=16)
    pay_amt = MoneyField("支付金额")
    xpay_amt = MoneyField("实际支付金额")
    xpay_date = models.DateField("实际支付日期")
    payee_acct_name = models.CharField("收款人", max_length=128)
    pro_code = models.CharField("项目代码", max_length=40, blank=True)
    use_des = models.CharField("用途", max_length=200, blank=True)
    direct_fund_tag = models.CharField("直达资金标识", max_length=2, editable=False)
    row_no = models.IntegerField("文件行号")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "fiscal_year", "pay_cert_no"], name="uniq_pay_cert_no")
        ]
        ordering = ["xpay_date", "pay_cert_no"]
        verbose_name = "支付凭证"

    def __str__(self) -> str:
        return self.pay_cert_no


class Disbursement(models.Model):
    """到人到户发放 (PAY_DETAIL): one person's or household's payout against a payment voucher.

    A million rows arrive in one import, so the table carries only what such a load can afford (each index,
    default and row-by-row constraint costs time per million rows, see bench/README.md): no unique index on the
    natural key (iden_no, pay_month, purpose, fiscal_year) and no database foreign-key constraint — the importer
    checks both set-based under its lock (``staging.PayoutImport``: duplicates within the file and against the
    other payout batches of the year, the voucher of every row), and deleting a referenced row is still refused
    (PROTECT). PostgreSQL has no primary-key btree either (the importer numbers its rows from one block of the
    id sequence; migration 0005) and a BRIN index on the batch (an import's rows lie together); SQLite has btrees
    on the batch and the payment (migration 0006). Optional texts absent from the file are NULL
    (``OptionalText``). A payout without a batch did not come through the importer: the demo's faults, which
    monitoring must find; the small ``disb_not_imported`` lets the importer check a file against them.
    """

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="disbursements", db_index=False, db_constraint=False
    )
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        related_name="disbursements",
        db_index=False,
        db_constraint=False,
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    purpose = models.CharField("支出方向", max_length=16, choices=PURPOSE_CHOICES)
    row_no = models.IntegerField("文件行号")
    pro_code = OptionalText("项目代码", max_length=40)
    pay_cert_no = models.CharField("支付凭证号", max_length=64)
    town_code = OptionalText("街道(乡镇)编码", max_length=32)
    town_name = OptionalText("街道(乡镇)名称", max_length=64)
    village_code = OptionalText("村编码", max_length=32)
    village_name = OptionalText("村名称", max_length=64)
    per_name = models.CharField("姓名", max_length=64)
    iden_type = models.CharField("证件类型", max_length=2)
    iden_no = models.CharField("证件号码", max_length=64)
    to_peop_family = models.CharField("按户或按人补助", max_length=2)
    pay_amt = MoneyField("应发金额")
    xpay_amt = MoneyField("实发金额")
    pay_month = models.CharField("发放月份", max_length=4)
    add_word = OptionalText("备注", max_length=200)

    class Meta:
        indexes = [
            models.Index(
                fields=["fiscal_year"], condition=models.Q(batch__isnull=True), name="disb_not_imported"
            ),
        ]
        verbose_name = "到人到户发放"

    def __str__(self) -> str:
        return f"{self.pay_cert_no} {self.pay_month} {self.per_name}"
