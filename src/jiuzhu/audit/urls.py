from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.trail, name="list"),
    path("<int:pk>/", views.record_detail, name="detail"),
    path("export.<str:fmt>", views.export, name="export"),
    path("anchor.json", views.anchor_export, name="anchor"),
]
