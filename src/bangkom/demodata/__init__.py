"""Demo and benchmark data: a seeded, realistic dataset in the CONTRACT.md import formats."""
