"""The encoding engine: plain values in, plain values out. No Django imports here."""
