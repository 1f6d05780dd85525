from django.db import models

from jiuzhu.domain.regions import Level, RegionNode, RegionTree


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
