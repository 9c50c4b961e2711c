import django_filters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

TRUE_FALSE = {"true", "false"}


class StrictFilterBackend(DjangoFilterBackend):
    """The shared FilterSets, read strictly for programs.

    HTML forms submit empty fields and the FilterSets ignore them; a script that sends
    `kind=` or `current=maybe` has a bug, so the API says so (400) instead of quietly
    ignoring the parameter.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors = {}
            for name, values in request.query_params.lists():
                field = filterset_class.base_filters.get(name)
                if field is None:
                    continue
                if any(value.strip() == "" for value in values):
                    errors[name] = [_("May not be empty; leave the parameter out instead.")]
                elif isinstance(field, django_filters.BooleanFilter) and any(
                    value not in TRUE_FALSE for value in values
                ):
                    errors[name] = [_("Must be true or false.")]
            if errors:
                raise ValidationError(errors)
        return super().filter_queryset(request, queryset, view)
