"""Custom actions of the newcomer assistant (served by rasa-sdk's action server)."""
