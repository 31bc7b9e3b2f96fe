"""Test-only plug-ins: a small fake CRM, a fake ERP and a pair joining them, registered from
test code alone to prove that a system and a pair are plug-ins."""
