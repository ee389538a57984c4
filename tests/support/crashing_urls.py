"""A URLconf with one view that fails, for proving where errors are reported."""

from django.urls import path


def crash(request):
    raise RuntimeError("the view failed on purpose")


urlpatterns = [path("crash", crash)]
