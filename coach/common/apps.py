"""What every feature shares: the background-task lifecycle, the socket protocol, file responses
with byte ranges, the API's schema and pagination, the 404 page, template tags."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "coach.common"
    label = "common"
    verbose_name = "Common"
