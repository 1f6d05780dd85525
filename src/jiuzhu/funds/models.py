from django.db import models

from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose


class ClassificationCode(models.Model):
    """政府收支分类科目, keyed by (fiscal year, code): a name can change from year to year."""

    INCOME, EXPENDITURE = "income", "expenditure"
    GOV_ECONOMIC, DEPT_ECONOMIC = "gov_economic", "dept_economic"
    KINDS = [
        (INCOME, "收入分类"),
        (EXPENDITURE, "支出功能分类"),
        (GOV_ECONOMIC, "政府预算支出经济分类"),
        (DEPT_ECONOMIC, "部门预算支出经济分类"),
    ]
    fiscal_year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类别", max_length=16, choices=KINDS)
    code = models.CharField("科目编码", max_length=16)
    name = models.CharField("科目名称", max_length=128)
    purpose = models.CharField(
        "支出方向",
        max_length=16,
        blank=True,
        choices=[(p.value, label) for p, label in PURPOSE_LABELS.items()],
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "code"], name="uniq_code_per_year")]
        ordering = ["fiscal_year", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DirectFundTag(models.Model):
    """直达资金标识."""

    code = models.CharField("标识代码", max_length=2, unique=True)
    name = models.CharField("标识名称", max_length=32)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Fund(models.Model):
    """A special fund of one fiscal year and one level of government, e.g. 2022 自治区 困难群众救助补助资金.

    The same fund name comes from several levels (中央财政 and 自治区财政 困难群众救助补助资金 are two funds with
    their own documents, plans and appropriations), so a fund is unique by (name, fiscal year, source_label).
    """

    name = models.CharField("资金名称", max_length=128)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    income_code = models.CharField("收入分类科目", max_length=16)
    expenditure_codes = models.JSONField("允许的支出功能分类科目", default=list)
    purposes = models.JSONField("支出方向", default=list)
    direct_fund_tag = models.ForeignKey(DirectFundTag, on_delete=models.PROTECT, verbose_name="直达资金标识")
    source_label = models.CharField(
        "资金来源层级", max_length=16, default="自治区", help_text="prints as 自治区补助资金额度, 自治区财政…"
    )
    direct_fund_tag_label = models.CharField(
        "标识用语", max_length=32, help_text="the notice's own wording, e.g. 自治区直达资金"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["name", "fiscal_year", "source_label"], name="uniq_fund_per_year_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年{self.source_label}{self.name}"

    @property
    def purpose_labels(self) -> list[str]:
        return [PURPOSE_LABELS[Purpose(p)] for p in self.purposes]

    @property
    def tag_text(self) -> str:
        """As the notice writes it: 01 自治区直达资金."""
        return f"{self.direct_fund_tag.code} {self.direct_fund_tag_label}"
