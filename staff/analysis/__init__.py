"""Patterns rather than cases: the staff desk's map, trends, supported-unit dossiers,
accountability figures and exports.

Everything here reads the same role-aware, filtered selection of reports as the case list, so
a case a role may not see is absent from every figure, point and exported row.
"""
