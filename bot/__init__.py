"""The conversation engine: sessions, the report flow and the channel adapters.

The engine never knows which channel it talks to; a channel adapter never knows the flow.
They meet at `bot.messages.InboundMessage` / `OutboundMessage`.
"""
