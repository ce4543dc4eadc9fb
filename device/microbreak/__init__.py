"""microbreak: a desk companion that cues upper-back exercise microbreaks."""

__version__ = "0.1.0"
