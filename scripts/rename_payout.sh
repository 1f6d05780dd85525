#!/usr/bin/env bash
# One word per concept (issue 10 point 5): 到人到户发放 is "payout" in code; a cell problem of an imported
# payout row is a CellProblem ("finding" belongs to monitoring). Idempotent: run it on any branch at merge.
set -euo pipefail
cd "${1:-.}"

mvfile() { if [ -e "$1" ]; then mkdir -p "$(dirname "$2")"; git mv "$1" "$2"; fi; }
mvfile src/jiuzhu/domain/disbursements.py src/jiuzhu/domain/payouts.py
mvfile src/jiuzhu/ledger/management/commands/import_disbursements.py src/jiuzhu/ledger/management/commands/import_payouts.py
mvfile src/jiuzhu/ledger/management/commands/export_disbursements.py src/jiuzhu/ledger/management/commands/export_payouts.py

files=$(git ls-files src tests bench README.md docs | grep -E '\.(py|html|md|js|txt|toml|cfg)$' | grep -v '/migrations/' || true)
[ -n "$files" ] || exit 0
# The cell problems of domain/payouts.py, where that module is used as `rules`/`payout_rules` or inside it.
perl -pi -e '
  s/\bjiuzhu\.domain\.disbursements\b/jiuzhu.domain.payouts/g;
  s/\bfrom jiuzhu\.domain import disbursements\b/from jiuzhu.domain import payouts/g;
  s/\b(rules|payout_rules)\.Finding(s?)\b/$1.CellProblem$2/g;
  s/\bDISBURSEMENTS\b/PAYOUTS/g;
  s/\bledger_disbursement\b/ledger_payout/g;
  s/\bDisbursement/Payout/g;
  s/\bimport_disbursements\b/import_payouts/g;
  s/\bexport_disbursements\b/export_payouts/g;
  s/\bimport disbursements\b/import payouts/g;
  s/\bexport disbursements\b/export payouts/g;
  s/disbursements__/payouts__/g;
  s/_disbursements_/_payouts_/g;
  s/\bdisbursements\b/payouts/g;
  s/\bdisbursement\b/payout/g;
' $files
if [ -e src/jiuzhu/domain/payouts.py ]; then
  perl -pi -e 's/\bFinding\b/CellProblem/g; s/\bFindings\b/CellProblems/g; s/\bfinding\b/cell_problem/g; s/\bfindings\b/cell_problems/g' src/jiuzhu/domain/payouts.py
fi
ledger=$(git ls-files src/jiuzhu/ledger | grep -E '(staging|frames|/io/).*\.py$' || true)
[ -z "$ledger" ] || perl -pi -e 's/\bfindings\b/cell_problems/g; s/\bfinding\b/cell_problem/g' $ledger
mig=src/jiuzhu/ledger/migrations
if ! grep -lq 'RenameModel("Disbursement", "Payout")' $mig/*.py; then
  last=$(ls $mig | grep -E '^[0-9]{4}_.*\.py$' | sort | tail -1)
  n=$(printf '%04d' $((10#${last:0:4} + 1)))
  cat > $mig/${n}_rename_disbursement_to_payout.py <<PY
"""One word per concept: 到人到户发放 is a payout in code (the table becomes ledger_payout; its index names
keep their disb_ prefix, which SQLite cannot rename without rebuilding them)."""

from django.db import migrations, models


def kinds(old: str, new: str):
    def run(apps, schema_editor):
        apps.get_model("ledger", "ImportBatch").objects.filter(kind=old).update(kind=new)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "${last%.py}")]

    operations = [
        migrations.RenameModel("Disbursement", "Payout"),
        migrations.AlterField(
            model_name="payout",
            name="payment",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=models.deletion.PROTECT,
                related_name="payouts",
                to="ledger.payment",
            ),
        ),
        migrations.AlterField(
            model_name="payout",
            name="batch",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="payouts",
                to="ledger.importbatch",
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="kind",
            field=models.CharField(
                choices=[("payments", "支付凭证"), ("payouts", "到人到户发放明细")], max_length=16, verbose_name="类型"
            ),
        ),
        migrations.RunPython(kinds("disbursements", "payouts"), kinds("payouts", "disbursements")),
    ]
PY
  git add $mig/${n}_rename_disbursement_to_payout.py
fi
echo "renamed; now add the migration (RenameModel Disbursement→Payout, related names, kind values) if missing"
RUFF=${RUFF:-.venv/bin/ruff}
$RUFF check --fix -q src tests bench || true
$RUFF format -q src tests bench
