"""Kafka for shoplake: an embedded single-node broker, or a real cluster's address.

``shoplake services up`` starts Apache Kafka 4.4 as one KRaft process (broker and
controller) on 127.0.0.1, from the pinned jars ``make setup`` caches (:mod:`.install`),
configured and formatted under ``<SHOPLAKE_HOME>/kafka/`` (:mod:`.config`, :mod:`.server`),
and creates the clickstream topics (:mod:`.topics`). ``SHOPLAKE_KAFKA_BOOTSTRAP`` names a
real cluster instead, and ``SHOPLAKE_KAFKA=off`` leaves Kafka out. Producers, consumers and
Spark's Kafka source take their settings from :mod:`.clients`, whichever broker it is.
"""
