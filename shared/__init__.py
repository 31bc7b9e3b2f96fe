"""ledgerlink's shared library: every Lambda function imports it (shipped as a layer).

In a Lambda container (``LAMBDA_TASK_ROOT`` set, as Lambda sets it) the cyclic garbage
collector rests from the first import of this package until the runtime is built
(:func:`shared.startup.done`, called by ``get_runtime``): a cold start allocates the modules,
the models' schemas and the clients, which live as long as the container, and each full
collection along the way would walk all of them for nothing. Then they are frozen out of
the collector's sight (``gc.freeze``) and it runs again, on what the invocations allocate.
Elsewhere (tests, the sandbox, infra) nothing changes.
"""

from shared import startup as _startup

_startup.begin()
