"""The stack's building blocks, one module per concern.

Inside this package ``from constructs import Construct`` still means the PyPI ``constructs``
library (absolute imports); never put ``infra/`` itself on ``sys.path`` (``python -m infra.app``,
not ``python infra/app.py``), or this package would shadow it.
"""
