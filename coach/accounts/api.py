"""API tokens: `POST /api/token/` with a username and password (throttled, and refused while
django-axes has the username locked out on this client); `DELETE /api/token/` logs the token out.
Tokens expire (`coach/accounts/tokens.py`)."""

from django.contrib.auth import get_user_model
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotAuthenticated, Throttled, ValidationError
from rest_framework.response import Response

from coach.accounts.throttles import LoginRateThrottle
from coach.accounts.tokens import fresh_token


class TokenRequestSerializer(AuthTokenSerializer):
    """A username no account can have (longer than the user model allows) is refused before
    anyone tries to log in with it: django-axes records every failed login's username in a
    255-character column, and PostgreSQL refused the longer ones with a server error."""

    username = serializers.CharField(
        label="Username",
        write_only=True,
        max_length=get_user_model()._meta.get_field("username").max_length,
    )


class ObtainTokenView(ObtainAuthToken):
    throttle_classes = [LoginRateThrottle]
    serializer_class = TokenRequestSerializer

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            # django-axes marks the request it refused (the login pages answer 429 the same way).
            if getattr(request, "axes_locked_out", False):
                raise Throttled(detail="Too many failed logins: try again later.") from None
            raise
        return Response({"token": fresh_token(serializer.validated_data["user"]).key})

    def delete(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


obtain_token = ObtainTokenView.as_view()
