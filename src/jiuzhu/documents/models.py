from django.conf import settings
from django.db import models


class NoticeTemplate(models.Model):
    """How one issuer's notices of one fund and kind (下达 or 调整) are worded and addressed; edited by the 管理员.

    Everything the bureau words its own way is here, not in code: the issuing bodies, 主送, the body text (a
    restricted Django template, see ``templating``), 抄送, 印发机关, and Attachment 3's title and notes. A
    template belongs to the region whose bureaus issue the notice (塔城地区 for 塔地财社 notices): reads and
    writes go through ``accounts.scoping``, so a county's administrator never sees or edits the prefecture's.
    """

    ALLOCATION, ADJUSTMENT = "allocation", "adjustment"
    KINDS = ((ALLOCATION, "下达"), (ADJUSTMENT, "调整"))

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="发文地区",
        help_text="the issuer: plans issued by this region are worded by this template",
    )
    fund = models.ForeignKey(
        "funds.Fund", on_delete=models.PROTECT, related_name="notice_templates", verbose_name="资金"
    )
    kind = models.CharField("公文类型", max_length=16, choices=KINDS)
    issuers = models.TextField("发文机关", help_text="每行一个，按排列顺序；联合行文时主办机关在前")
    mark_suffix = models.CharField("发文机关标志后缀", max_length=8, blank=True, default="文件")
    addressees = models.CharField("主送机关", max_length=200)
    body = models.TextField("正文模板")
    expenditure_code = models.CharField("支出功能分类科目", max_length=16)
    copy_to = models.CharField("抄送机关", max_length=300, blank=True)
    printer = models.CharField("印发机关", max_length=100)
    feedback_title = models.CharField("附件3标题", max_length=100, blank=True)
    feedback_notes = models.TextField("附件3说明", blank=True, help_text="每行一条")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("region", "fund", "kind"), name="uniq_notice_template_per_issuer"
            ),
        )
        ordering = ("region__path", "fund", "kind")
        verbose_name = "公文模板"

    def __str__(self) -> str:
        return f"{self.region.short_name} {self.fund} {self.get_kind_display()}通知"

    @property
    def issuer_list(self) -> tuple[str, ...]:
        return tuple(x.strip() for x in self.issuers.splitlines() if x.strip())

    @property
    def feedback_note_list(self) -> tuple[str, ...]:
        return tuple(x.strip() for x in self.feedback_notes.splitlines() if x.strip())
