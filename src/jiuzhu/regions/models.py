from django.db import models

from jiuzhu.domain.regions import Level, NameSpan, RegionNode, RegionTree


class Region(models.Model):
    """A level of government (财政区划)."""

    code = models.CharField("行政区划代码", max_length=6, unique=True)
    mof_div_code = models.CharField("财政区划代码", max_length=9, unique=True)
    name = models.CharField("名称", max_length=64)
    short_name = models.CharField("简称", max_length=32)
    level = models.CharField("级次", max_length=16, choices=[(x.value, x.value) for x in Level])
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(
        max_length=128, db_index=True, help_text="/650000/654200/…/ — for scoping by prefix"
    )
    sort_order = models.IntegerField("排序", default=0)

    class Meta:
        ordering = ["path"]
        verbose_name = "财政区划"

    def __str__(self) -> str:
        return self.name

    def node(self) -> RegionNode:
        return RegionNode(
            code=self.code,
            name=self.name,
            short_name=self.short_name,
            level=Level(self.level),
            parent=self.parent.code if self.parent_id and self.parent else None,
            sort_order=self.sort_order,
            aliases=tuple(a.alias for a in self.aliases.all()),
        )


class RegionAlias(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField("别名", max_length=64, unique=True)

    def __str__(self) -> str:
        return self.alias


class BudgetUnit(models.Model):
    """A 预算单位 under a level of government (地区社会福利院 under 塔城地区本级)."""

    code = models.CharField("单位代码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=128)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="budget_units")

    def __str__(self) -> str:
        return self.name


def load_tree() -> RegionTree:
    """The stored regions as the domain's tree."""
    regions = Region.objects.select_related("parent").prefetch_related("aliases")
    return RegionTree(r.node() for r in regions)


class RegionNameSpan(models.Model):
    """A region's name over a span of time (沙湾县 until 2021-01-29, then 沙湾市), from GB/T 2260 changes."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="name_spans")
    name = models.CharField("名称", max_length=64)
    old_code = models.CharField("原行政区划代码", max_length=6, blank=True)
    valid_from = models.DateField("启用日期", null=True, blank=True)
    valid_to = models.DateField(
        "停用日期", null=True, blank=True, help_text="the first day the name no longer held"
    )
    source = models.TextField("依据", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="uniq_region_name_span")]
        ordering = ["region__path", "valid_from"]
        verbose_name = "区划名称沿革"

    def __str__(self) -> str:
        return self.name

    def span(self) -> NameSpan:
        return NameSpan(
            name=self.name,
            region=self.region.code,
            code=self.old_code or None,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            source=self.source,
        )


def load_history() -> tuple[NameSpan, ...]:
    """The stored name history as the domain's spans."""
    return tuple(s.span() for s in RegionNameSpan.objects.select_related("region"))
