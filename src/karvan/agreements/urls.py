from django.urls import path

from karvan.agreements.views import ceremony, comments, documents, drafting, signatories, signing

app_name = "agreements"

urlpatterns = [
    path("", drafting.agreement_list, name="list"),
    path("new/", drafting.create, name="create"),
    path("verify/", documents.verify, name="verify"),
    path("verify/root-certificate.pem", documents.root_certificate, name="root_certificate"),
    path("verify/<str:code>/", documents.verify_code_page, name="verify_code"),
    path("at-event/<int:pk>/", ceremony.event_programme, name="event_programme"),
    path("<str:code>/", drafting.detail, name="detail"),
    path("<str:code>/progress/", drafting.progress, name="progress"),
    path("<str:code>/edit/", drafting.edit, name="edit"),
    path("<str:code>/diff/", drafting.diff, name="diff"),
    path("<str:code>/cancel/", drafting.cancel, name="cancel"),
    path("<str:code>/comment/", comments.comment, name="comment"),
    path("<str:code>/comments/<int:pk>/accept/", comments.accept_proposal, name="accept_proposal"),
    path(
        "<str:code>/comments/<int:pk>/decline/",
        comments.decline_proposal,
        name="decline_proposal",
    ),
    path("<str:code>/signatories/", signatories.add_signatory, name="add_signatory"),
    path(
        "<str:code>/signatories/<int:pk>/withdraw/",
        signatories.withdraw_signatory,
        name="withdraw_signatory",
    ),
    path(
        "<str:code>/signatories/<int:pk>/unlock/",
        signatories.unlock_signatory,
        name="unlock_signatory",
    ),
    path("<str:code>/send/", signing.send, name="send"),
    path("<str:code>/sign/", signing.sign, name="sign"),
    path("<str:code>/sign/code/", signing.request_code, name="request_code"),
    path("<str:code>/ceremony/", ceremony.ceremony, name="ceremony"),
    path("<str:code>/pdf/", documents.download_pdf, name="pdf"),
    path("<str:code>/preview.pdf", documents.preview_pdf, name="preview"),
]
