"""API tokens: `POST /api/token/` with a username and password (throttled, and refused while
django-axes has the username locked out on this client)."""

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled, ValidationError

from coach.throttles import LoginRateThrottle


class ObtainTokenView(ObtainAuthToken):
    throttle_classes = [LoginRateThrottle]

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes marks the request it refused (the login pages answer 429 the same way).
            if getattr(request, "axes_locked_out", False):
                raise Throttled(detail="Too many failed logins: try again later.") from None
            raise


obtain_token = ObtainTokenView.as_view()
