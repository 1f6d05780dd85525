from jiuzhu.ledger.models import ImportBatch

from ._imports import ImportCommand


class Command(ImportCommand):
    help = "导入国库集中支付凭证（XLSX 或 CSV，数据元名称或中文列名）；同一文件只导入一次；有问题时全部拒绝"
    kind = ImportBatch.PAYMENTS
