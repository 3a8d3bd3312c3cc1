"""The Slack bot (slack-bolt): `app` (build the Bolt app, HTTP or Socket Mode), `bot` (events and
commands), `reply` (deliver an answer), `thread` (history), `render` (Answer -> Block Kit), `cache`.

Rule: slack imports `qa`, `ui.render` and `ui.context`; it never imports `ui.web`, and only `ui.cli`
imports slack.
"""
