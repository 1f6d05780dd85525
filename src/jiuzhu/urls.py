from django.contrib.auth import views as auth_views
from django.urls import include, path

from jiuzhu.api.api import api
from jiuzhu.desk import views as desk_views

urlpatterns = [
    path("", desk_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
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
    path("api/v1/", api.urls),
]
