from django.urls import path

from .views import video_file

urlpatterns = [path("<uuid:guid>/<path:name>", video_file, name="delivery-file")]
