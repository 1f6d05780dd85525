"""Performance targets of a fund (绩效目标表), their decomposition to counties, actuals, and 双监控 reports.

A table belongs to a fund (which has its year) and the region that issues it; its header amounts are never
stored (they come from the allocation). Each 指标值 is stored as its canonical text (``domain.performance.values``
parses it); a decomposition value per column overrides the regional value, a column without one inherits it.
"""

from django.conf import settings
from django.db import models

from jiuzhu.core.states import Machine, Shown


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已审核"
    RETURNED = "returned", "已退回"


#: Both a table's decomposition and a 双监控 report: draft → submitted → approved, or returned and resubmitted.
STATES = Machine(
    Status,
    transitions={
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.APPROVED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
    },
    badges={
        Status.DRAFT: "",
        Status.SUBMITTED: "submitted",
        Status.APPROVED: "approved",
        Status.RETURNED: "returned",
    },
)


class Reviewed(models.Model):
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField("退回原因", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    approved_at = models.DateTimeField("审核通过时间", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def status_shown(self) -> Shown:
        return STATES.show(self.status)

    @property
    def editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)


class TargetTable(Reviewed):
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("表名", max_length=128)
    project = models.CharField("项目名称", max_length=128)
    provincial_finance = models.CharField("省级财政部门", max_length=64)
    provincial_department = models.CharField("省级主管部门", max_length=64)
    local_department = models.CharField("地区主管部门", max_length=64)
    goals = models.JSONField("年度总体目标", default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fund", "region"], name="uniq_target_table")]
        verbose_name = "绩效目标表"

    def __str__(self) -> str:
        return f"{self.title}（{self.fund.fiscal_year}年度）"


class TargetColumn(models.Model):
    """A decomposition column: a county, or a budget unit of a region (地区社会福利院 for 地区本级)."""

    table = models.ForeignKey(TargetTable, on_delete=models.CASCADE, related_name="columns")
    position = models.PositiveSmallIntegerField()
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    unit = models.CharField("预算单位", max_length=128, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["table", "region", "unit"], name="uniq_target_column")]
        ordering = ["table", "position"]

    def __str__(self) -> str:
        return self.unit or self.region.short_name


class TargetIndicator(models.Model):
    table = models.ForeignKey(TargetTable, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField()
    level1 = models.CharField("一级指标", max_length=32)
    level2 = models.CharField("二级指标", max_length=32)
    level3 = models.CharField("三级指标", max_length=200)
    value = models.CharField("指标值", max_length=64, blank=True, help_text="canonical text")
    measure = models.CharField("计算口径", max_length=32, blank=True, help_text="a key of actuals.MEASURES")

    class Meta:
        ordering = ["table", "position"]

    def __str__(self) -> str:
        return self.level3


class ColumnValue(models.Model):
    """A column's own 指标值 for one indicator (absent: the column inherits the regional value)."""

    indicator = models.ForeignKey(TargetIndicator, on_delete=models.CASCADE, related_name="column_values")
    column = models.ForeignKey(TargetColumn, on_delete=models.CASCADE, related_name="values")
    value = models.CharField("指标值", max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "column"], name="uniq_column_value")]

    def __str__(self) -> str:
        return self.value


class Actual(models.Model):
    """A value entered by 民政 with its evidence (or a reviewer's judgement of a qualitative indicator)."""

    indicator = models.ForeignKey(TargetIndicator, on_delete=models.CASCADE, related_name="actuals")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    through_month = models.PositiveSmallIntegerField("截至月份", help_text="7 for 1–7月, 12 for the year")
    value = models.CharField("实际值", max_length=64, blank=True, help_text="a number in the target's unit")
    last_year = models.CharField("上年实际值", max_length=64, blank=True)
    evidence = models.TextField("佐证说明", blank=True)
    judgement = models.CharField("评审判定", max_length=16, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "through_month"], name="uniq_actual")
        ]

    def __str__(self) -> str:
        return self.value or self.judgement


class Cause(models.TextChoices):
    FUNDING = "funding", "经费保障"
    RULES = "rules", "制度保障"
    STAFF = "staff", "人员保障"
    HARDWARE = "hardware", "硬件保障"
    OTHER = "other", "其他"


class Likelihood(models.TextChoices):
    CERTAIN = "certain", "确定能"
    POSSIBLE = "possible", "有可能"
    IMPOSSIBLE = "impossible", "完全不可能"


class MonitoringReport(Reviewed):
    """绩效运行监控 (双监控) of one region: each indicator's completion beside budget execution."""

    table = models.ForeignKey(TargetTable, on_delete=models.PROTECT, related_name="reports")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    through_month = models.PositiveSmallIntegerField("截至月份", default=7)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "region", "through_month"], name="uniq_perf_report")
        ]
        verbose_name = "绩效运行监控表"

    def __str__(self) -> str:
        return f"{self.region.short_name} 1—{self.through_month}月"


class MonitoringLine(models.Model):
    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(TargetIndicator, on_delete=models.PROTECT, related_name="+")
    expected = models.CharField("全年预计完成情况", max_length=64, blank=True)
    cause = models.CharField("偏差原因", max_length=16, choices=Cause.choices, blank=True)
    cause_note = models.TextField("偏差原因说明", blank=True)
    likelihood = models.CharField("完成目标可能性", max_length=16, choices=Likelihood.choices, blank=True)
    needs_fix = models.BooleanField("是否需要整改", default=False)
    measures = models.TextField("整改措施", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="uniq_perf_report_line")]

    def __str__(self) -> str:
        return self.expected
