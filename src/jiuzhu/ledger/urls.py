from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.home, name="home"),
    path("receipts/<int:pk>/register/", views.register, name="register"),
    path("registrations/<int:pk>/approve/", views.registration_approve, name="registration_approve"),
    path("registrations/<int:pk>/return/", views.registration_return, name="registration_return"),
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/export.xlsx", views.export_month, name="export"),
    path("imports/<int:pk>/", views.batch_detail, name="batch"),
    path("imports/<int:pk>/retry/", views.batch_retry, name="retry"),
    path("imports/<int:pk>/approve/", views.batch_approve, name="batch_approve"),
    path("imports/<int:pk>/return/", views.batch_return, name="batch_return"),
]
