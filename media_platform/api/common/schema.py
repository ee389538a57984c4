"""How our API-key authentications appear in the OpenAPI schemas."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class HeaderKeyScheme(OpenApiAuthenticationExtension):
    target_class = "media_platform.api.common.auth.HeaderKeyAuthentication"
    match_subclasses = True
    name = "AccessKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": self.target.header}


class AuthorizationScheme(OpenApiAuthenticationExtension):
    target_class = "media_platform.api.common.auth.AuthorizationSchemeAuthentication"
    match_subclasses = True

    @property
    def name(self):  # one security scheme per Authorization scheme word
        return f"{self.target.scheme}Auth"

    def get_security_definition(self, auto_schema):
        if self.target.scheme.lower() == "bearer":
            return {"type": "http", "scheme": "bearer"}
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"`{self.target.scheme} <API key>`",
        }
