from django.urls import path

from . import views

app_name = "trace"
urlpatterns = [
    path("plans/<int:pk>/", views.plan_down, name="plan"),
    path("vouchers/<int:pk>/", views.voucher_down, name="voucher"),
    path("payouts/<int:pk>/", views.payout_up, name="payout"),
]
