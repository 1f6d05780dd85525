from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("review/<str:subject>/<int:pk>/approve/", views.approve, name="approve"),
    path("review/<str:subject>/<int:pk>/return/", views.return_, name="return"),
]
