"""The API's pagination: `?limit=` and `?offset=` within what the database can count."""

from rest_framework.pagination import LimitOffsetPagination


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """`LimitOffsetPagination` with a largest page, and an offset past the end read as the end:
    a number beyond the database's integer range (SQLite: 2**63) was a server error."""

    max_limit = 500

    def get_offset(self, request):
        return min(super().get_offset(request), self.count)
