"""Widget and plotly plumbing shared by every app; it knows no topic."""
