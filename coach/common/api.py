"""What every feature's API shares: the id pattern of its routes, file answers' negotiation."""

from rest_framework.negotiation import BaseContentNegotiation

# Object ids are UUIDs: anything else in the URL is no route (404), not a database error (500).
UUID_LOOKUP = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class FileNegotiation(BaseContentNegotiation):
    """For actions that answer a file themselves: whatever the Accept header, errors come as
    JSON (the first renderer) rather than 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
