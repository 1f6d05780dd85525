"""监控预警: rule runs, the findings they yield (with a stable key) and each finding's history."""

from django.db import models

from jiuzhu.domain.findings import SEVERITY_LABELS, STATE_LABELS, Severity, State
from jiuzhu.domain.monitoring_rules import RULES

SEVERITY_CHOICES = [(s.value, SEVERITY_LABELS[s]) for s in Severity]
STATE_CHOICES = [(s.value, STATE_LABELS[s]) for s in State]
RULE_CHOICES = [(r.code, r.title) for r in RULES]


class Run(models.Model):
    """One run of some rules over one year and area: when, which rules, how long, what it found."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [(QUEUED, "排队中"), (RUNNING, "运行中"), (DONE, "已完成"), (FAILED, "失败")]

    status = models.CharField("状态", max_length=16, choices=STATUSES, default=QUEUED)
    trigger = models.CharField("触发", max_length=64, help_text="cli, page, or what was approved")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    rules = models.JSONField("规则", default=list)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    duration_ms = models.IntegerField("用时（毫秒）", default=0)
    per_rule = models.JSONField("各规则", default=dict, help_text="code → {rows, ms}")
    found = models.IntegerField("发现", default=0)
    created = models.IntegerField("新增", default=0)
    reopened = models.IntegerField("重新出现", default=0)
    resolved = models.IntegerField("已消除", default=0)
    error = models.TextField("错误", blank=True)
    started_by = models.CharField("发起人", max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "规则运行"

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.region} {self.created_at:%Y-%m-%d %H:%M}"


class Finding(models.Model):
    """A problem one rule found: unique by (rule, key), the key being a hash of the region and offending rows."""

    rule = models.CharField("规则", max_length=40, choices=RULE_CHOICES)
    key = models.CharField(max_length=64, help_text="sha256 of rule, region and the rows' key columns")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    fund = models.ForeignKey("funds.Fund", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField("支出方向", max_length=16, blank=True)
    month = models.CharField("月份", max_length=4, blank=True)
    severity = models.CharField("等级", max_length=8, choices=SEVERITY_CHOICES)
    state = models.CharField("状态", max_length=16, choices=STATE_CHOICES, default=State.PENDING.value)
    message = models.TextField("问题描述", help_text="rendered with 证件号码 masked")
    data = models.JSONField(
        "数据", default=dict, help_text="the rule's row (may hold a 证件号码: never shown)"
    )
    first_seen_at = models.DateTimeField("首次发现")
    last_seen_at = models.DateTimeField("最近发现")
    last_run = models.ForeignKey(Run, null=True, on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField("整改期限", null=True, blank=True)
    reopen_count = models.IntegerField("重新出现次数", default=0)
    reason = models.TextField("误报理由", blank=True)
    measure = models.TextField("整改措施", blank=True)
    promised_on = models.DateField("承诺完成日期", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "key"], name="uniq_finding_key")]
        indexes = [models.Index(fields=["fiscal_year", "rule", "state"], name="finding_year_rule_state")]
        ordering = ["due_on", "-severity", "id"]
        verbose_name = "监控预警"

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.message}"

    @property
    def state_enum(self) -> State:
        return State(self.state)

    @property
    def severity_enum(self) -> Severity:
        return Severity(self.severity)


class FindingEvent(models.Model):
    """One step of a finding's history (append-only): found, reviewed, rectified, resolved, reopened."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField("操作", max_length=24)
    from_state = models.CharField("原状态", max_length=16, blank=True)
    to_state = models.CharField("新状态", max_length=16)
    actor = models.CharField("操作人", max_length=150)
    note = models.TextField("说明", blank=True)
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.transition}"

    @property
    def label(self) -> str:
        from jiuzhu.domain.findings import TRANSITION_LABELS, Transition

        return "发现" if self.transition == "found" else TRANSITION_LABELS[Transition(self.transition)]

    @property
    def from_label(self) -> str:
        return STATE_LABELS[State(self.from_state)] if self.from_state else ""

    @property
    def to_label(self) -> str:
        return STATE_LABELS[State(self.to_state)]


class ExecutionThreshold(models.Model):
    """Per fund: how many points behind time elapsed make 黄 and 红 (defaults in settings: 10 and 20)."""

    fund = models.OneToOneField("funds.Fund", on_delete=models.CASCADE, related_name="+")
    yellow_points = models.PositiveSmallIntegerField("黄灯（落后百分点）", default=10)
    red_points = models.PositiveSmallIntegerField("红灯（落后百分点）", default=20)

    def __str__(self) -> str:
        return f"{self.fund}: {self.yellow_points}/{self.red_points}"
