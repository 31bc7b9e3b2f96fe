"""The sync engine: plan (diff, echo, conflict) then apply (write, link, audit)."""
