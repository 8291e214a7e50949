from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`?page=2&page_size=500`: API_PAGE_SIZE rows a page by default, at most 1000."""

    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request) -> int:
        self.page_size = settings.API_PAGE_SIZE
        return super().get_page_size(request)
