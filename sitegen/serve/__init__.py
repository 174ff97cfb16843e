"""`sitegen serve`: the editor's live preview on the build engine.

watch (file events → batches of changed paths) → loop (one session pass per batch) → http (the
preview folder, and the event stream that tells open pages to reload or to show what is wrong).
"""
