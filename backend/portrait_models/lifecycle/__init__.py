"""The model lifecycle: stages (stages.json), evaluation reports, the promotion gate."""
