from django.conf import settings
from django.views.generic import TemplateView


class ChatPageView(TemplateView):
    """The demo page of the fictional city, with the chat box."""

    template_name = "chat.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rasa_url"] = settings.RASA_PUBLIC_URL
        return context
