"""CRM <-> ERP pairs as packages: each pair's default mappings, computed fields, workflows,
actions, scheduled jobs and set-up hooks (``shared/pairs/<pair>/``), picked by a
connection's two systems (:mod:`shared.pairs.registry`)."""
