"""The report flow: named steps, one small class each, that never know the channel."""
