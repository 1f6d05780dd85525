from django.contrib.auth import views as auth_views
from django.urls import include, path

from jiuzhu.accounts.forms import LoginForm
from jiuzhu.api.api import api
from jiuzhu.core import views as core_views
from jiuzhu.desk import views as desk_views

urlpatterns = [
    path("", desk_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("allocation/", include("jiuzhu.allocation.urls")),
    path("accounts/", include("jiuzhu.accounts.urls")),
    path("audit/", include("jiuzhu.audit.urls")),
    path("approvals/", include("jiuzhu.approvals.urls")),
    path("ledger/", include("jiuzhu.ledger.urls")),
    path("reference/", include("jiuzhu.funds.urls")),
    path("documents/", include("jiuzhu.documents.urls")),
    path("monitoring/", include("jiuzhu.monitoring.urls")),
    path("trace/", include("jiuzhu.trace.urls")),
    path("reports/", include("jiuzhu.reports.urls")),
    path("cards/", include("jiuzhu.cards.urls")),
    path("yearend/", include("jiuzhu.yearend.urls")),
    path("performance/", include("jiuzhu.performance.urls")),
    path("api/v1/", api.urls),
]
