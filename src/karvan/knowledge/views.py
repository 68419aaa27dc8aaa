from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.accounts.models import User
from karvan.core.errors import DomainError
from karvan.knowledge.forms import (
    AnswerForm,
    CommentForm,
    ExpertForm,
    QuestionFilterForm,
    QuestionForm,
    ReasonForm,
    VoteForm,
)
from karvan.knowledge.models import Answer, Comment, Question
from karvan.knowledge.permissions import (
    can_accept_answer,
    can_edit_question,
    can_grant_expert,
    can_moderate,
)
from karvan.knowledge.selectors import (
    get_question,
    get_viewer_votes,
    list_experts,
    list_open_reports,
    list_questions,
    search_questions,
)
from karvan.knowledge.services import (
    accept_answer,
    answer_question,
    ask_question,
    comment_on,
    grant_expert,
    hide_post,
    report_post,
    restore_post,
    update_question,
    vote,
)

PAGE_SIZE = 20


def _question(request: HttpRequest, pk: int) -> Question:
    try:
        return get_question(viewer=request.user, pk=pk)
    except Question.DoesNotExist as error:
        raise Http404 from error


def question_list(request: HttpRequest) -> HttpResponse:
    """Questions and experiences, filtered, or searched across languages."""
    form = QuestionFilterForm(request.GET or None)
    results: list[Question] | None = None
    rows = list_questions(viewer=request.user).none()
    if not request.GET or form.is_valid():
        filters = form.cleaned_data if request.GET else {}
        rows = list_questions(
            viewer=request.user,
            category=filters.get("category", ""),
            kind=filters.get("kind", ""),
            tag=filters.get("tag", ""),
            unanswered=bool(filters.get("unanswered")),
        )
        if filters.get("q"):
            allowed = set(rows.values_list("pk", flat=True))
            results = [
                question
                for question in search_questions(viewer=request.user, query=filters["q"])
                if question.pk in allowed
            ]
    page = Paginator(rows.order_by("-created_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/question_list.html",
        {
            "form": form,
            "page": page,
            "results": results,
            "can_moderate": can_moderate(request.user),
        },
    )


@login_required
def ask(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            question = ask_question(
                actor=request.user, data=data, to_other_side=data["to_other_side"]
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.text)
        else:
            messages.success(request, _("Your question is posted."))
            return redirect(question)
    return render(request, "knowledge/question_form.html", {"form": form})


@login_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    if not can_edit_question(request.user, question):
        raise Http404
    initial = {
        "kind": question.kind,
        "category": question.category,
        "language": question.language,
        "title": question.title.get(question.language, ""),
        "body": question.body.get(question.language, ""),
        "tags": ", ".join(question.tags),
    }
    form = QuestionForm(request.POST or None, initial=initial)
    form.fields["language"].disabled = True
    form.fields["kind"].disabled = True
    del form.fields["to_other_side"]
    if request.method == "POST" and form.is_valid():
        try:
            update_question(question=question, actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.text)
        else:
            return redirect(question)
    return render(request, "knowledge/question_form.html", {"form": form, "question": question})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    return render(
        request,
        "knowledge/question_detail.html",
        {
            "question": question,
            "answer_form": AnswerForm() if request.user.is_authenticated else None,
            "votes": get_viewer_votes(viewer=request.user, question=question),
            "can_edit": can_edit_question(request.user, question),
            "can_accept": can_accept_answer(request.user, question),
            "can_moderate": can_moderate(request.user),
        },
    )


def _answer_of(question: Question, answer_id: int | None) -> Answer | None:
    if answer_id is None:
        return None
    answer = next((row for row in question.answers.all() if row.pk == answer_id), None)
    if answer is None:
        raise Http404
    return answer


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            created = answer_question(
                question=question,
                actor=request.user,
                body=form.cleaned_data["body"],
                language=form.cleaned_data["language"],
            )
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Your answer is posted."))
            return redirect(created.get_absolute_url())
    else:
        messages.error(request, _("Write your answer before sending it."))
    return redirect(question)


@login_required
@require_POST
def comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_on(
                question=question,
                actor=request.user,
                body=form.cleaned_data["body"],
                language=request.user.language,
                answer=_answer_of(question, form.cleaned_data["answer"]),
            )
        except DomainError as error:
            messages.error(request, error.text)
    else:
        messages.error(request, _("Write your comment before sending it."))
    return redirect(question)


@login_required
@require_POST
def vote_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = VoteForm(request.POST)
    if form.is_valid():
        target = _answer_of(question, form.cleaned_data["answer"])
        try:
            if target is None:
                vote(actor=request.user, value=form.cleaned_data["value"], question=question)
            else:
                vote(actor=request.user, value=form.cleaned_data["value"], answer=target)
        except DomainError as error:
            messages.error(request, error.text)
    return redirect(question)


@login_required
@require_POST
def accept(request: AuthenticatedHttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    question = _question(request, pk)
    try:
        accept_answer(question=question, answer=_answer_of(question, answer_pk), actor=request.user)
    except DomainError as error:
        messages.error(request, error.text)
    return redirect(question)


def _targets(question: Question, form: ReasonForm) -> tuple[Answer | None, Comment | None]:
    answer_row = _answer_of(question, form.cleaned_data.get("answer"))
    comment_id = form.cleaned_data.get("comment")
    comment_row = None
    if comment_id is not None:
        comment_row = Comment.objects.filter(pk=comment_id, question=question).first()
        if comment_row is None:
            raise Http404
    return answer_row, comment_row


@login_required
@require_POST
def report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect(question)
    answer_row, comment_row = _targets(question, form)
    try:
        report_post(
            actor=request.user,
            question=question,
            answer=answer_row,
            comment=comment_row,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Thank you: the moderators will look at it."))
    return redirect(question)


def _moderation_view(request: AuthenticatedHttpRequest, pk: int, *, hide: bool) -> HttpResponse:
    question = _question(request, pk)
    if not can_moderate(request.user):
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect(question)
    answer_row, comment_row = _targets(question, form)
    action = hide_post if hide else restore_post
    try:
        action(
            actor=request.user,
            question=question,
            answer=answer_row,
            comment=comment_row,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        messages.error(request, error.text)
    return redirect(question)


@login_required
@require_POST
def hide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _moderation_view(request, pk, hide=True)


@login_required
@require_POST
def restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _moderation_view(request, pk, hide=False)


@login_required
def moderation(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_moderate(request.user):
        raise Http404
    return render(
        request,
        "knowledge/moderation.html",
        {
            "reports": list_open_reports(viewer=request.user)[:200],
            "hidden": list_questions(viewer=request.user).filter(is_hidden=True)[:100],
        },
    )


@login_required
def experts(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_grant_expert(request.user):
        raise Http404
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if person is None:
            form.add_error("email", _("No one has signed up with this address."))
        else:
            try:
                grant_expert(
                    actor=request.user,
                    user=person,
                    field={request.user.language: form.cleaned_data["field"]},
                )
            except DomainError as error:
                form.add_error(None, error.text)
            else:
                messages.success(request, _("The expert badge is granted."))
                return redirect("knowledge:experts")
    return render(request, "knowledge/experts.html", {"form": form, "experts": list_experts()})
