"""Reports: the Report model, storage, encryption and pseudonyms, audit log, exports.

`reports` imports nothing of the other Tocsin packages: taxonomy ids are stored as plain strings.
"""
