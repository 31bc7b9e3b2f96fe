"""ledgerlink's shared library: every Lambda function imports it (shipped as a layer)."""
