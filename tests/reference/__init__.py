"""From-scratch references written from the specs: plain Python, no Spark, no import of the job code."""
