"""From data and a text template to the document model: `compose`, with the ward's inline markup (`inline`)."""
