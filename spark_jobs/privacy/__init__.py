"""Data-subject erasure (GDPR Art. 17): requests, erasure everywhere, suppression, proof.

``requests``: the register (identifier kept encrypted) and the salted hashes of the
suppression list. ``mentions``: when a record or a value names a subject. ``landing``:
landing files rewritten without the subject. ``erase``: every table of every domain that
carries the identifier kind, recomputed to equal a run without the subject, and its
history purged. ``verify``: every object the catalog and landing can reach, read and
searched. docs/privacy.md is the contract.
"""
