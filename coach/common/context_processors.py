from coach.common import protocol


def memberships(request):
    """The signed-in person's studios and roles, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = list(user.memberships.select_related("studio"))
    return {"my_memberships": items, "teaches": any(m.teaches for m in items)}


def socket_protocol(request):
    """The socket protocol's facts for the pages' scripts (`includes/socket_protocol.html`)."""
    return {"socket_protocol": protocol.socket_protocol()}
