from django.urls import path

from staffing import views

app_name = "staffing"

urlpatterns = [
    path("", views.PostListView.as_view(), name="list"),
    path("add/", views.PostEditView.as_view(), name="create"),
    path("recharges/", views.RechargeView.as_view(), name="recharges"),
    path("<int:pk>/", views.PostDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PostEditView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.PostDeleteView.as_view(), name="delete"),
    path("<int:pk>/history/", views.PostHistoryView.as_view(), name="history"),
]
