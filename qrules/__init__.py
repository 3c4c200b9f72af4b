"""qrules: check quality agreements against ISO 9001 and organisational rules."""

__version__ = "0.1.0"
