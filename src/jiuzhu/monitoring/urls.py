from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("findings/", views.findings, name="findings"),
    path("findings/export.xlsx", views.export, name="export"),
    path("findings/<int:pk>/", views.detail, name="detail"),
    path("findings/<int:pk>/act/", views.act, name="act"),
    path("rules/", views.rules, name="rules"),
    path("run/", views.run, name="run"),
]
