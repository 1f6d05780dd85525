from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
]
