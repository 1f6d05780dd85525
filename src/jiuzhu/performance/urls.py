from django.urls import path

from . import views

app_name = "performance"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.table, name="table"),
    path("<int:pk>/values/", views.save_values, name="save_values"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/evaluation/", views.self_evaluation, name="evaluation"),
    path("<int:pk>/monitoring/", views.monitoring, name="monitoring"),
    path("<int:pk>/monitoring/open/", views.open_report, name="open_report"),
    path("<int:pk>/export/", views.export_file, name="export"),
    path("monitoring/<int:pk>/", views.report, name="report"),
    path("monitoring/<int:pk>/save/", views.save_report, name="save_report"),
]
