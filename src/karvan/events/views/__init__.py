"""The event pages, one module per sub-domain like `events.services`."""
