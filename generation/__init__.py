"""Music analysis, dance data, choreography models and their Django glue.

Importing this package imports nothing heavy. The canonical skeleton it shares with the scorer
lives in `scoring.skeleton` (the bottom layer).
"""
