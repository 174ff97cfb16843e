"""The image stage: photos in, responsive variants out (see `pipeline`)."""
