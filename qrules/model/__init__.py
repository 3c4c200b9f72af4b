"""What flows between the steps: ``paths`` into documents, ``values`` (durations,
percentages, how values are shown), ``findings`` and the reports' data."""
