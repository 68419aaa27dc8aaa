from celery import shared_task


@shared_task
def index_question(*, question_id: int) -> None:
    from karvan.knowledge.indexing import index_question as index
    from karvan.knowledge.models import Question

    question = Question.objects.filter(pk=question_id).first()
    if question is not None:
        index(question=question)
