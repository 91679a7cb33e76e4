"""Rule-based readers of the details of a report: who did it, to whom, how many, when, with what.

Each reader works on folded text (nlu.text.fold) with small multilingual lexicons, so it is fast
enough to run on every message of a conversation and easy for a deployment to extend.
"""
