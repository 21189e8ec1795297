"""Business rules as plain functions: views, the API and tasks call these."""
