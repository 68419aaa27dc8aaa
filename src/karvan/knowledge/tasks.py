from celery import shared_task


@shared_task
def index_question(*, question_id: int) -> None:
    from karvan.knowledge.models import Question
    from karvan.knowledge.services import index_question as index

    question = Question.objects.filter(pk=question_id).first()
    if question is not None:
        index(question=question)
