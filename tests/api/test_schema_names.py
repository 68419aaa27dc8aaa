"""Every schema in the OpenAPI description is one class: django-ninja names a component after its
class, so two classes of one name document one operation with the other's fields."""

import importlib
import inspect
import pkgutil
from collections import defaultdict

from ninja import Schema

import karvan.api
from karvan.api.main import api


def test_no_two_api_schema_classes_share_a_name():
    defined: dict[str, set[str]] = defaultdict(set)
    for module_info in pkgutil.iter_modules(karvan.api.__path__):
        module = importlib.import_module(f"karvan.api.{module_info.name}")
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                defined[name].add(module.__name__)
    shared = {name: sorted(modules) for name, modules in defined.items() if len(modules) > 1}
    assert shared == {}


def test_each_operation_documents_its_own_fields():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    # Accepting a meeting request names a slot; accepting an answer names the answer.
    assert set(schemas["MeetingRequestAcceptIn"]["properties"]) == {"slot_id"}
    assert set(schemas["AnswerAcceptIn"]["properties"]) == {"answer_id"}
    # An interest's messages say who wrote them; a park inquiry's do not.
    assert {"id", "author_id", "organisation_id"} <= set(
        schemas["InterestMessageOut"]["properties"]
    )
    assert "author_id" not in schemas["InquiryMessageOut"]["properties"]
