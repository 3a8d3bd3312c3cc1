"""Front ends: the `newsqa` CLI, the Gradio web chat, the Slack bot, and rendering."""
