"""Golden-file checks (`docgen check`)."""
