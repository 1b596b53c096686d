"""What schemathesis needs to know of our API beyond its OpenAPI document.

Loaded by the schemathesis process through `SCHEMATHESIS_HOOKS=tests.api.schemathesis_hooks`.
"""

import schemathesis

# A PAXLST manifest is EDIFACT bytes (UN/EDIFACT, ISO 9735): send what is generated for it as
# raw bytes, as for any binary body.
schemathesis.serializer.alias("application/edifact", "application/octet-stream")
