from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.home, name="home"),
    path("notice/<int:pk>.<str:fmt>", views.notice, name="notice"),
    path("templates/<int:region_id>/<int:fund_id>/<str:kind>/", views.template_edit, name="template"),
    path("check/", views.check, name="check"),
]
