from django.conf import settings
from django.views.generic import TemplateView


class ChatPageView(TemplateView):
    """The demo page of the fictional city; the chat widget is its one script tag."""

    template_name = "chat.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rasa_url"] = settings.RASA_PUBLIC_URL
        context["city_timezone"] = settings.TIME_ZONE  # the widget's "Open now" is computed in the city's time
        return context
