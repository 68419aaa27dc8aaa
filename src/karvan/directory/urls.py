from django.urls import path

from karvan.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("verification/", views.verification_queue, name="verification_queue"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/logo/", views.organisation_logo, name="logo"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/verify/undo/", views.verify_undo, name="verify_undo"),
    path("<int:pk>/documents/", views.verification_documents, name="documents"),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        views.verification_document_file,
        name="document_file",
    ),
    path(
        "<int:pk>/identity/<int:revision_pk>/decide/",
        views.identity_decide,
        name="identity_decide",
    ),
    path("<int:pk>/members/", views.members, name="members"),
    path("<int:pk>/members/<int:membership_pk>/role/", views.member_role, name="member_role"),
    path("<int:pk>/members/<int:membership_pk>/remove/", views.member_remove, name="member_remove"),
]
