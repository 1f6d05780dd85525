from django.urls import path

from . import views

app_name = "cards"
urlpatterns = [
    path("", views.index, name="index"),
    path("lists/", views.lists, name="lists"),
    path("lists/import/", views.import_list, name="import_list"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("entries/<int:pk>/reveal/", views.reveal_entry, name="reveal_entry"),
    path("samples/", views.samples, name="samples"),
    path("samples/draw/", views.draw_sample, name="draw_sample"),
    path("samples/<int:pk>/", views.sample_detail, name="sample_detail"),
    path("samples/<int:pk>/call-sheet.xlsx", views.call_sheet, name="call_sheet"),
    path("items/<int:pk>/outcome/", views.record_outcome, name="record_outcome"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.create_complaint, name="create_complaint"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/reply/", views.reply_complaint, name="reply_complaint"),
]
