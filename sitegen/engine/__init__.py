"""The build engine: the state kept between builds, and what a change invalidates."""
