"""The mock engine: runs the real program under Pulumi mocks and records what it registers
(engine.py, mocks.py), and the recorded data that review and cost read (records.py)."""
