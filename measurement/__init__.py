"""Measurement of the recommendations (issue 18): what was shown, what was clicked or bought because of it, and
whether personalised recommendations sell more than the non-personalised baseline.

- :mod:`measurement.schema`: the event columns and the typed frame every KPI reads;
- :mod:`measurement.eventlog`: reading and validating event files (CSV or JSONL, gzip), bad rows counted with
  reasons;
- :mod:`measurement.attribution`: pure functions that attribute clicks, carts and orders to the impression
  that preceded them (same company, same SKU, within a window, last touch wins);
- :mod:`measurement.experiment`: the A/B split (a company's arm from a salted hash, sticky; objectors to
  profiling outside) and :func:`~measurement.experiment.arm_of`, the one check every surface asks;
- :mod:`measurement.impressions`: what a surface calls to record the list it showed;
- :mod:`measurement.kpi` and :mod:`measurement.stats`: CTR, conversion and revenue per session with uplift,
  confidence intervals and p-values (tea-tasting's delta method), the sample-ratio check (scipy), coverage and
  popularity bias;
- :mod:`measurement.report`: the JSON of ``docs/measurement.md`` and a self-contained HTML report;
- :mod:`measurement.source` and :mod:`measurement.importer`: the store side (through ``store.measurement``).

Floor 3: it reads the store and asks ``guardrails.consent`` who may be profiled; tools, agent and portal call
it. Nothing here is a model feature: ranking never reads the measurement log or the arm. This package imports
no heavy library at import time (the surfaces import :mod:`measurement.experiment` on every request path).
"""
