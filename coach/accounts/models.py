"""The people: the site's user model (`AUTH_USER_MODEL`, app label `coach`).

Every model's primary key is a UUID: it is the public identifier in URLs and the API.
"""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("email address", blank=True)
