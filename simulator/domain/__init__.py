"""Pure domain core: scenario model, loading, validation, runtime, matching, scoring."""
