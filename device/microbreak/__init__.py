"""microbreak: a desk companion that cues upper-back exercise microbreaks."""

__version__ = "0.1.0"

import os as _os

# pygame prints a banner on import; a service's log has no place for it.
_os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
