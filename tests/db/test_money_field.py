from decimal import Decimal

from django.db import connection
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from jiuzhu.allocation.models import Plan, PlanRow
from jiuzhu.demo.scenario import load_demo

fen_amounts = st.integers(min_value=-(10**15), max_value=10**15).map(lambda n: Decimal(n) / 100)


class MoneyFieldTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.plan = Plan.objects.get(doc_no="塔地财社〔2022〕82号")

    @settings(max_examples=40, deadline=None)
    @given(st.lists(fen_amounts, min_size=8, max_size=8))
    def test_stored_as_fen_and_summed_exactly(self, amounts):
        rows = list(self.plan.rows.order_by("pk"))
        for row, amount in zip(rows, amounts, strict=True):
            row.increase = amount
        PlanRow.objects.bulk_update(rows, ["increase"])
        stored = [r.increase for r in self.plan.rows.order_by("pk")]
        assert stored == [a.quantize(Decimal("0.01")) for a in amounts]
        assert self.plan.rows.aggregate(s=Sum("increase"))["s"] == sum(amounts, Decimal(0))

    def test_column_is_an_integer_count_of_fen(self):
        row = self.plan.rows.get(region__code="654225")
        with connection.cursor() as cursor:
            cursor.execute("SELECT base, increase FROM allocation_planrow WHERE id = %s", [row.pk])
            assert cursor.fetchone() == (390000 * 100, 2170000 * 100)

    def test_sub_fen_is_refused(self):
        row = self.plan.rows.first()
        row.increase = Decimal("0.001")
        with self.assertRaisesMessage(ValueError, "不是整分金额"):
            row.save()
