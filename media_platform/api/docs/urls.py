"""OpenAPI schema and Swagger UI for each dialect: /api/<dialect>/schema/ and /api/<dialect>/docs/."""

from django.urls import path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from media_platform.api.dialects import DIALECTS as REGISTERED

# name → (title, URLconf), as the index page lists them.
DIALECTS = {dialect.name: (dialect.title, dialect.urls) for dialect in REGISTERED}

urlpatterns = [
    path(
        "docs/",
        TemplateView.as_view(template_name="api/docs_index.html", extra_context={"dialects": DIALECTS}),
        name="api-docs",
    )
]
for name, (title, module) in DIALECTS.items():
    urlpatterns += [
        path(
            f"{name}/schema/",
            SpectacularAPIView.as_view(urlconf=module, custom_settings={"TITLE": title}),
            name=f"schema-{name}",
        ),
        path(f"{name}/docs/", SpectacularSwaggerView.as_view(url_name=f"schema-{name}"), name=f"docs-{name}"),
    ]
