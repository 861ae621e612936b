"""Reading a report's data: the YAML file with positions for messages (`loader`), and the schema (`validate`)."""
