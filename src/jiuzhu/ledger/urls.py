from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.home, name="home"),
    path("receipts/<int:pk>/register/", views.register, name="register"),
    path("payouts/", views.payouts, name="payouts"),
    path("search/", views.search, name="search"),
    path("payouts/export.xlsx", views.export_month, name="export"),
    path("imports/<int:pk>/", views.batch_detail, name="batch"),
    path("imports/<int:pk>/retry/", views.batch_retry, name="retry"),
]
