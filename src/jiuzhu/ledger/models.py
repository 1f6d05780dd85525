"""The direct-fund ledger: appropriation movements, registrations, payments and per-person payouts.

Balances are never stored: an appropriation's registered amount is the sum of its registration lines, its
paid amount the sum of its payment vouchers, and so on (see ``selectors``). Every row that carries the
direct-fund tag copies it from the row before it in the chain; no service edits it.
"""

from django.conf import settings
from django.db import models

from jiuzhu.core.fields import MoneyField, OptionalText
from jiuzhu.core.states import Machine, Shown
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


class RegistrationStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已审核"
    RETURNED = "returned", "已退回"


#: A registration waits for its checker, who approves it or returns it; a returned one is corrected and submitted
#: again.
REGISTRATION_STATES = Machine(
    RegistrationStatus,
    transitions={
        RegistrationStatus.SUBMITTED: {RegistrationStatus.APPROVED, RegistrationStatus.RETURNED},
        RegistrationStatus.RETURNED: {RegistrationStatus.SUBMITTED},
    },
    badges={
        RegistrationStatus.SUBMITTED: "submitted",
        RegistrationStatus.APPROVED: "approved",
        RegistrationStatus.RETURNED: "returned",
    },
)


class Registration(models.Model):
    """指标登记 of one movement by the receiving region; its lines sum to the movement.

    Maker-checker: a registration is submitted by a 经办 and counts (in balances, reports and the payment
    importer's links) only once a 审核 of the same region and department approved it (``approvals``). A returned
    registration keeps its lines for the maker to correct and submit again; they count for nothing meanwhile.
    """

    SUBMITTED, APPROVED, RETURNED = (
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.APPROVED,
        RegistrationStatus.RETURNED,
    )
    STATUSES = RegistrationStatus.choices

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

    @property
    def status_shown(self) -> Shown:
        return REGISTRATION_STATES.show(self.status)


class RegistrationLine(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="lines")
    appropriation = models.ForeignKey(Appropriation, on_delete=models.PROTECT, related_name="lines")
    amount = MoneyField("金额", help_text="signed like the movement")

    def __str__(self) -> str:
        return f"{self.appropriation_id}: {self.amount}"


class ImportStatus(models.TextChoices):
    """The import's own progress."""

    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已导入"
    REJECTED = "rejected", "已拒绝"
    FAILED = "failed", "失败"


#: Queued, run (by the request or the background task), and ended: done, rejected (the file's problems) or failed
#: (an error); a failed batch, or one whose task died while running, is queued again by a retry.
IMPORT_STATES = Machine(
    ImportStatus,
    transitions={
        ImportStatus.QUEUED: {ImportStatus.RUNNING},
        ImportStatus.RUNNING: {
            ImportStatus.DONE,
            ImportStatus.REJECTED,
            ImportStatus.FAILED,
            ImportStatus.QUEUED,
        },
        ImportStatus.FAILED: {ImportStatus.QUEUED},
    },
    badges={
        ImportStatus.QUEUED: "submitted",
        ImportStatus.RUNNING: "submitted",
        ImportStatus.DONE: "approved",
        ImportStatus.REJECTED: "returned",
        ImportStatus.FAILED: "returned",
    },
)


class ReviewStatus(models.TextChoices):
    """The review of a done batch; empty until the import is done."""

    NONE = "", "未提交"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已审核"
    RETURNED = "returned", "已退回"


#: A done batch is submitted; its checkers approve it (its rows count) or return it (its rows are removed; the
#: same file may come again as a new batch).
REVIEW_STATES = Machine(
    ReviewStatus,
    transitions={
        ReviewStatus.NONE: {ReviewStatus.SUBMITTED},
        ReviewStatus.SUBMITTED: {ReviewStatus.APPROVED, ReviewStatus.RETURNED},
    },
    badges={
        ReviewStatus.SUBMITTED: "submitted",
        ReviewStatus.APPROVED: "approved",
        ReviewStatus.RETURNED: "returned",
    },
    field="review_status",
)


class ImportBatch(models.Model):
    """One imported file, kept with its sha256: the same content is imported once.

    ``status`` is the import's own progress (``IMPORT_STATES``), ``review_status`` its review (``REVIEW_STATES``).
    A ``done`` batch is submitted and moves money only once approved (``approved_at`` set with ``approved`` by
    the checker who completes its round in ``approvals``); until then its rows are stored but counted nowhere. A
    checker who returns it removes its rows: the batch's review ends ``returned`` with the reason, and the same
    file may be imported again as a new submission.
    """

    PAYMENTS, PAYOUTS = "payments", "payouts"
    KINDS = [(PAYMENTS, "支付凭证"), (PAYOUTS, "到人到户发放明细")]
    QUEUED, RUNNING, DONE = ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.DONE
    REJECTED, FAILED = ImportStatus.REJECTED, ImportStatus.FAILED

    kind = models.CharField("类型", max_length=16, choices=KINDS)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField("字节数")
    stored_path = models.CharField(max_length=255, help_text="the kept file, under MEDIA_ROOT")
    status = models.CharField(
        "状态", max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    review_status = models.CharField(
        "审核状态", max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.NONE, blank=True
    )
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
                fields=["kind", "sha256"],
                condition=models.Q(status="done") & ~models.Q(review_status="returned"),
                name="uniq_imported_file",
            ),
        ]
        verbose_name = "导入批次"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def awaiting_approval(self) -> bool:
        return self.review_status == ReviewStatus.SUBMITTED

    @property
    def import_shown(self) -> Shown:
        return IMPORT_STATES.show(self.status)

    @property
    def review_shown(self) -> Shown | None:
        return REVIEW_STATES.show(self.review_status) if self.review_status else None

    @property
    def review_label(self) -> str:
        return self.review_shown.label if self.review_shown else ""


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


class Payout(models.Model):
    """到人到户发放 (PAY_DETAIL): one person's or household's payout against a payment voucher.

    A million rows arrive in one import, so the table carries only what such a load can afford (each index,
    default and row-by-row constraint costs time per million rows, see bench/README.md): no unique index on the
    natural key (iden_no, pay_month, purpose, fiscal_year) and no database foreign-key constraint — the importer
    checks both set-based under its lock (``staging.PayoutImport``: duplicates within the file and against the
    other payout batches of the year, the voucher of every row), and deleting a referenced row is still refused
    (PROTECT). PostgreSQL has no primary-key btree either (the importer numbers its rows from one block of the
    id sequence; migration 0005) and a BRIN index on the batch (an import's rows lie together), plus a btree on
    (batch, id) for the API's feed, which a COPY appends to (migration 0011); SQLite has btrees on the batch and
    the payment (migration 0006). Optional texts absent from the file are NULL
    (``OptionalText``). A payout without a batch did not come through the importer: the demo's faults, which
    monitoring must find; the small ``disb_not_imported`` lets the importer check a file against them.
    """

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="payouts", db_index=False, db_constraint=False
    )
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        related_name="payouts",
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
    acct_no = OptionalText("收款账号", max_length=40)

    class Meta:
        indexes = [
            models.Index(
                fields=["fiscal_year"], condition=models.Q(batch__isnull=True), name="disb_not_imported"
            ),
            # 查询 (ledger/search.py): a person by the full 证件号码 or the exact name, on a million payouts
            models.Index(fields=["iden_no"], name="disb_iden_no"),
            models.Index(fields=["per_name"], name="disb_per_name"),
        ]
        verbose_name = "到人到户发放"

    def __str__(self) -> str:
        return f"{self.pay_cert_no} {self.pay_month} {self.per_name}"


class PayoutPart(models.Model):
    """The payouts of one approved batch against one voucher in one region: rows, Σ实发, earliest 发放月份.

    An approved batch never changes, so ``ledger.payout_sums`` stores its parts once (at approval, or on first
    read) and every page reads these few rows instead of grouping the payout table; a fresh server process is as
    fast as a warm one. The approval time is kept so that parts of an earlier approval are never taken for a
    later one's.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="+", db_index=False)
    approved_at = models.DateTimeField("审核通过时间")
    payment = models.ForeignKey(
        Payment, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")  # the batch's rows share one (the importer's)
    row_count = models.IntegerField("行数")
    paid_out = MoneyField("实发金额")
    over_rows = models.IntegerField("实发大于应发的行数")  # read by monitoring's payout_above_due
    first_month = models.CharField("最早发放月份", max_length=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "payment", "region"], name="payout_part_key"),
        ]
        verbose_name = "发放批次汇总"

    def __str__(self) -> str:
        return f"批次{self.batch_id} 凭证{self.payment_id}：{self.row_count}行"
