from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("", views.reference_home, name="home"),
    path("codes/save/", views.code_save, name="code_save"),
]
