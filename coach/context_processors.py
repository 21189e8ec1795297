def memberships(request):
    """The signed-in person's studios and roles, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = list(user.memberships.select_related("studio"))
    return {"my_memberships": items, "teaches": any(m.teaches for m in items)}
