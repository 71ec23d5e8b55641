"""Prometheus metrics, served at `/metrics` to the addresses and token configured.

- `requests`: a latency histogram and a response counter per resolved view (middleware);
  in a web server with several worker processes they are kept in prometheus_client's
  multiprocess files (PROMETHEUS_MULTIPROC_DIR), summed at scrape time.
- `task_signals`: Celery task failures and each task's last success, kept in Redis by the
  worker processes so that the web processes can report them.
- `collector`: gauges read from the database and Redis at scrape time (outbox backlog and
  SMS failures, broker queue lengths, and what apps register in METRIC_SOURCES, such as the
  rating runs' progress).
- `access`: who may read `/metrics`; `exposition`: the text a scrape gets.

The apps' names, queries and labels are bounded: a label never carries a raw path, an id or
anything a visitor types.
"""
