"""Content: discover files, split front matter, read typed Brand/Product records."""
