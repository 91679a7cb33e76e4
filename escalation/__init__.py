"""Escalation: from a stored report to the monitoring staff who act on it, and back.

The outbox worker reads events that `reports.storage` committed with each change, clusters
reports into incidents, applies the rules file, and delivers pings (Telegram, e-mail, signed
webhooks) at least once, without double pings. Staff actions come back through the
`StaffGateway` and move the reports along their lifecycle.
"""
