"""`{% lessons_panel %}`: the dashboard's lessons, to do / overdue / done for a student and the
lesson and review pages of the studios an instructor teaches."""

from django import template

from coach.lessons.services import lessons_of_student
from coach.studios.selectors import taught_studios

register = template.Library()


@register.inclusion_tag("lessons/_dashboard.html", takes_context=True)
def lessons_panel(context):
    user = context["user"]
    return {"mine": lessons_of_student(user), "taught": taught_studios(user).distinct()}
