"""Fixtures of the modules that load a demo once (``loaded``, module-scoped, rolled back at the module's end)."""

import pytest


@pytest.fixture
def table(loaded, db):
    """The demo's 2022 target table of 塔城地区."""
    from jiuzhu.performance.models import TargetTable

    return TargetTable.objects.get(fund__source_label="自治区", fund__fiscal_year=2022)


@pytest.fixture
def u(loaded, db):
    from jiuzhu.accounts.models import User

    return {x.username: x for x in User.objects.all()}
