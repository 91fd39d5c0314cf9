"""/taxonomies and /taxonomy_terms: public reads of the categories services are filed under."""

from rest_framework.response import Response
from rest_framework.views import APIView

from hsds import models as m

from . import loading, parameters
from . import record_shapes as shape
from .filters import resolve_term, words_match
from .pagination import paged


class TaxonomyListView(APIView):
    def get(self, request):
        text = parameters.search_text(request.query_params)
        queryset = m.Taxonomy.objects.all()
        if text:
            queryset = queryset.filter(words_match(("name", "description"), text))
        return paged(request, queryset, lambda rows: [shape.taxonomy(t) for t in rows])


class TaxonomyDetailView(APIView):
    def get(self, request, taxonomy_id):
        return Response(shape.taxonomy(loading.get_or_404(m.Taxonomy.objects.all(), taxonomy_id)))


class TaxonomyTermListView(APIView):
    def get(self, request):
        query = request.query_params
        queryset = m.TaxonomyTerm.objects.select_related("taxonomy")
        text = parameters.search_text(query)
        if text:
            queryset = queryset.filter(words_match(("name", "code", "description"), text))
        taxonomy_id = parameters.uuid_value(query, "taxonomy_id")
        if taxonomy_id is not None:
            queryset = queryset.filter(taxonomy_id=taxonomy_id)
        if parameters.boolean(query, "top_only"):
            queryset = queryset.filter(parent__isnull=True)
        parent = resolve_term(parameters.taxonomy_term(query, "parent_id"))
        if parent is not None:
            queryset = queryset.filter(parent=parent)
        return paged(request, queryset, lambda rows: [shape.taxonomy_term(t) for t in rows])


class TaxonomyTermDetailView(APIView):
    def get(self, request, term_id):
        return Response(shape.taxonomy_term(loading.get_or_404(m.TaxonomyTerm.objects.select_related("taxonomy"), term_id)))
