from django.urls import path

from . import views

app_name = "yearend"
urlpatterns = [
    path("", views.execution, name="execution"),
    path("closes/", views.closes, name="closes"),
    path("closes/submit/", views.submit_close, name="submit_close"),
    path("closes/<int:pk>/", views.close, name="close"),
    path("closes/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("recoveries/submit/", views.submit_recovery, name="submit_recovery"),
    path("recoveries/<int:pk>/", views.recovery_detail, name="recovery"),
    path("propose/", views.propose, name="propose"),
]
