"""
### privacy_erasure
Erases one data subject (GDPR Art. 17) from every domain that holds their kind of
identifier — landing files, bronze, silver, quarantine, ops, histories and gold, every
branch, tag and retained snapshot — and proves it.

**Trigger** with the run conf `{"request_id": "R"}` after registering the request:
`shoplake privacy request --request-id R --user-id -` (the identifier is read from
stdin and stored encrypted). The identifier never appears in the conf, the task
arguments or the logs: each task looks it up by the request id.

`privacy_erase` holds every domain's lock (daily runs wait), rewrites landing, re-runs
the dates that held the subject so aggregates equal a world without them, deletes what
is left and purges the tables' history. `privacy_verify_request` then reads every object
the catalog and landing can reach and fails if any still names the subject; its figures
go to `privacy.erasure_log`. Re-running a request is harmless. See docs/privacy.md.
"""
from shoplake_airflow import privacy_dag

dag = privacy_dag(doc_md=__doc__)
