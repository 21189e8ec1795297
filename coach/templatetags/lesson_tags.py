"""`{% lessons_panel %}`: the dashboard's lessons, to do / overdue / done for a student and the
lesson and review pages of the studios an instructor teaches."""

from django import template

from coach import permissions
from coach.services.lessons import lessons_of_student

register = template.Library()


@register.inclusion_tag("lessons/_dashboard.html", takes_context=True)
def lessons_panel(context):
    user = context["user"]
    return {"mine": lessons_of_student(user), "taught": permissions.taught_studios(user).distinct()}
