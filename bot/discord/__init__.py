"""The Discord front end: slash commands, mentions, replies and DMs answered with cited embeds.

``frontend.DiscordFrontEnd`` is what ``newsbot serve`` runs; ``client`` wires discord.py,
``commands`` and ``messages`` handle what users send, ``buttons`` the persistent buttons,
``replies`` sends within the 3-second interaction window, and ``render`` with ``text`` draws
answers within Discord's limits.
"""
