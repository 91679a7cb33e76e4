"""Channel adapters: each parses its own payloads and renders OutboundMessages, nothing more."""
