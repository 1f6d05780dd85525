from jiuzhu.ledger.models import ImportBatch

from ._imports import ImportCommand


class Command(ImportCommand):
    help = "导入到人到户发放明细（监控系统13列或14列模板，或同列的 UTF-8/GB18030 CSV）；有问题时全部拒绝"
    kind = ImportBatch.PAYOUTS
