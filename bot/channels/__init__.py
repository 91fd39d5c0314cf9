"""Rasa input channels of the assistant: Rasa's own connectors made safe (caller verification,
no intent injection, length cap, rate limits) and connectors Rasa lacks (WhatsApp Cloud API)."""
