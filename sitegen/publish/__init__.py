"""The publish stage: the built output/ into S3-compatible object storage."""
