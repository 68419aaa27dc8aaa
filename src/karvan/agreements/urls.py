from django.urls import path

from karvan.agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.create, name="create"),
    path("verify/", views.verify, name="verify"),
    path("verify/root-certificate.pem", views.root_certificate, name="root_certificate"),
    path("verify/<str:code>/", views.verify_code_page, name="verify_code"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/progress/", views.progress, name="progress"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/diff/", views.diff, name="diff"),
    path("<str:code>/comment/", views.comment, name="comment"),
    path("<str:code>/comments/<int:pk>/decide/", views.decide, name="decide"),
    path("<str:code>/signatories/", views.add_signatory, name="add_signatory"),
    path(
        "<str:code>/signatories/<int:pk>/withdraw/",
        views.withdraw_signatory,
        name="withdraw_signatory",
    ),
    path(
        "<str:code>/signatories/<int:pk>/unlock/",
        views.unlock_signatory,
        name="unlock_signatory",
    ),
    path("<str:code>/send/", views.send, name="send"),
    path("<str:code>/cancel/", views.cancel, name="cancel"),
    path("<str:code>/ceremony/", views.ceremony, name="ceremony"),
    path("<str:code>/sign/", views.sign, name="sign"),
    path("<str:code>/pdf/", views.download_pdf, name="pdf"),
    path("<str:code>/preview.pdf", views.preview_pdf, name="preview"),
]
