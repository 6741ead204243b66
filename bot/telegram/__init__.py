"""The Telegram front end (python-telegram-bot): application, handlers, rendering, webhook."""
