"""The staff desk: a secure web workspace where monitoring staff see, decide on and follow cases."""
