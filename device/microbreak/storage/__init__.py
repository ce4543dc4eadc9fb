"""What is kept on disk: the history of breaks and sets, and the figures read
from it."""
