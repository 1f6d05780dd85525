from django.urls import path

from . import units, views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("open/", views.open_report, name="open"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/save/", views.save, name="save"),
    path("consolidated/", views.consolidated, name="consolidated"),
    path("export/", views.export_file, name="export"),
    path("units/", units.units, name="units"),
    path("units/assign/", units.assign, name="assign"),
    path("units/add/", units.add_unit, name="add_unit"),
]
