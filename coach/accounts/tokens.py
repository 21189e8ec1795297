"""API tokens (`POST /api/token/`) last `settings.API_TOKEN_LIFETIME`, and logging out (the web
session's logout, or `DELETE /api/token/`) deletes them."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def is_expired(token: Token) -> bool:
    return token.created < timezone.now() - settings.API_TOKEN_LIFETIME


def fresh_token(user) -> Token:
    """The user's token, a new one if theirs has expired."""
    token, _ = Token.objects.get_or_create(user=user)
    if is_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            token.delete()
            raise AuthenticationFailed("This token has expired: ask for a new one at /api/token/.")
        return user, token


@receiver(user_logged_out, dispatch_uid="coach.delete_api_tokens")
def delete_api_tokens(sender, request, user, **kwargs):
    if user is not None:
        Token.objects.filter(user=user).delete()
