from django.urls import path

from . import views

app_name = "allocation"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/factors/", views.plan_factors, name="factors"),
    path("<int:pk>/validate/", views.plan_validate, name="validate"),
    path("<int:pk>/submit/", views.plan_submit, name="submit"),
    path("<int:pk>/export.<str:fmt>", views.plan_export, name="export"),
]
