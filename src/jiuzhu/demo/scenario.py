"""The demo scenario: 塔地财社〔2022〕82号 and a synthetic year of the ledger, loaded through each context's services.

The steps run in the order written here, whatever the order of INSTALLED_APPS; each is idempotent, so running
`jiuzhu demo` twice changes nothing.

1. the seed (``seed.load_seed``): regions, reference codes, the demo users, the seed's two approved plans;
2. the default approval rules (``approvals``): the thresholds apply to the demo's own registrations and files;
3. the ledger's demo year (``ledger_year``) and the payout faults monitoring must find (``faults``), unless the
   setting ``JIUZHU_DEMO_LEDGER_YEAR`` is False (the test suite's default, for speed); with it, 地区本级's orphan
   appropriations named as 地区社会福利院's for the usage report (``reports.demo``);
4. the default notice templates (``documents``);
5. the performance year (``performance.demo``): the 2022 target table, actuals, judgements, 双监控 drafts.
"""

from django.conf import settings
from django.db import transaction

from jiuzhu.approvals.services import do_load_default_rules
from jiuzhu.cards.demo import load_card_demo
from jiuzhu.documents.services import do_load_default_templates
from jiuzhu.monitoring.demo_faults import load_monitoring_faults
from jiuzhu.performance.demo import load_performance_demo
from jiuzhu.reports.demo import load_reports_demo

from . import faults, ledger_year
from .seed import load_seed


@transaction.atomic
def load_demo() -> None:
    """The whole scenario; tests that need only the seed call ``load_seed`` to stay fast."""
    load_seed()
    do_load_default_rules()
    if getattr(settings, "JIUZHU_DEMO_LEDGER_YEAR", True):
        ledger_year.load_demo_year()
        faults.load_faults()
        if getattr(settings, "JIUZHU_DEMO_MONITORING_FAULTS", True):
            load_monitoring_faults()
        load_card_demo()
        load_reports_demo()
    do_load_default_templates()
    load_performance_demo()
