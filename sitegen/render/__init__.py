"""Rendering: Markdown to safe HTML, the page plan, and templates to HTML strings (no file I/O)."""
