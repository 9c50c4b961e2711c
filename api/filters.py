import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError

from sources.forms import AsOfField

TRUE_FALSE = {"true", "false"}


class StrictFilterBackend(DjangoFilterBackend):
    """The shared FilterSets, read strictly for programs.

    HTML forms submit empty fields and the FilterSets ignore them; a script that sends
    `kind=` or `current=maybe` has a bug, so the API says so (400) instead of quietly
    ignoring the parameter.

    A FilterSet costs more than a small query (it deep-copies every filter and builds a
    form), so none is built where it could change nothing: on a detail URL (`retrieve`),
    which names its record by slug or id and to which list filters do not apply (a view
    that reads a parameter itself, as the network detail reads `as_of`, checks it with
    `clean_parameter`), and on a list that names no filter.
    """

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) == "retrieve":
            return queryset
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        asked = [name for name in request.query_params if name in filterset_class.base_filters]
        if not asked:
            # Only `page`, `format` and the like: every filter lets an absent value pass,
            # so the FilterSet would return the queryset as it is (pinned in api/tests).
            return queryset
        errors = {}
        for name in asked:
            field = filterset_class.base_filters[name]
            if message := strict_error(field, request.query_params.getlist(name)):
                errors[name] = [message]
        if errors:
            raise ValidationError(errors)
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise refusal(filterset)
        return filterset.qs


def refusal(filterset: django_filters.FilterSet) -> NotFound | ValidationError:
    """Why a FilterSet refuses its parameters, as the API answers it.

    404 when every refused parameter names a record that does not exist (`network=nope`,
    `jurisdiction=XX`): the request is well formed, the record is missing, as for a
    detail URL. 400 naming the parameters for anything malformed.
    """
    errors = filterset.form.errors.as_data()
    fields = {
        name: [message for e in errs for message in e.messages] for name, errs in errors.items()
    }
    missing = all(
        isinstance(filterset.filters[name], django_filters.ModelChoiceFilter)
        and all(e.code == "invalid_choice" for e in errs)
        for name, errs in errors.items()
    )
    return NotFound(fields) if missing else ValidationError(fields)


def strict_error(field: django_filters.Filter, values: list[str]) -> str | None:
    """Why StrictFilterBackend refuses these values of a filter, or None."""
    if any(value.strip() == "" for value in values):
        return _("May not be empty; leave the parameter out instead.")
    if isinstance(field, django_filters.BooleanFilter) and any(
        value not in TRUE_FALSE for value in values
    ):
        return _("Must be true or false.")
    return None


def clean_parameter(request, filterset_class: type[django_filters.FilterSet], name: str):
    """One query parameter read as the FilterSet's filter `name` reads it (None if absent).

    For views that use a parameter without building the whole FilterSet: a malformed
    value is the same 400 a list would give.
    """
    if name not in request.query_params:
        return None
    field = filterset_class.base_filters[name]
    values = request.query_params.getlist(name)
    if message := strict_error(field, values):
        raise ValidationError({name: [message]})
    try:
        return field.field.clean(values[-1])
    except DjangoValidationError as error:
        raise ValidationError({name: error.messages}) from None


class AsOfParameter(serializers.DateField):
    """`as_of` in a query serializer (the visual endpoints), read by sources.forms.AsOfField
    as the FilterSets and the pages read it: the same bounds and the same messages."""

    def to_internal_value(self, value):
        try:
            return AsOfField().clean(value)
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from None
