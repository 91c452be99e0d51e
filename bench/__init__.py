"""`make bench`: load, latency, throughput and memory of the assistant against Rasa's starter
assistant, in the same run on the same machine (docs/benchmarks.md)."""
