from celery import shared_task


@shared_task
def rescreen_after_list_change(*, version_id: int) -> int:
    """Screen again what a new list version can change; return how many subjects were screened."""
    from karvan.compliance.models import ListVersion
    from karvan.compliance.services import rescreen_after_list_change as rescreen

    version = ListVersion.objects.filter(pk=version_id).first()
    return rescreen(version=version) if version is not None else 0


@shared_task
def screen_organisation(*, organisation_id: int) -> int:
    """Screen an organisation and its owners; return how many cases changed."""
    from karvan.compliance.services import screen_organisation_and_owners
    from karvan.directory.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    return len(screen_organisation_and_owners(organisation=organisation))


@shared_task
def screen_person(*, user_id: int) -> int:
    """Screen a signatory or an owner (no one else); return how many cases changed."""
    from karvan.accounts.models import User
    from karvan.compliance.services import screen_subject, screened_people

    user = screened_people().filter(pk=user_id).first()
    return len(screen_subject(subject=user)) if isinstance(user, User) else 0
