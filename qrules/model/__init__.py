"""What flows between the steps: paths into documents, values, findings."""
