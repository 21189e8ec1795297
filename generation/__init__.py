"""Music analysis, dance data, choreography models and their Django glue.

Importing this package imports nothing heavy: `generation.skeleton` is shared with `scoring`,
which must stay free of torch and Django.
"""
