"""Gettext catalogues: `<language>/LC_MESSAGES/messages.po`, compiled when first loaded."""
