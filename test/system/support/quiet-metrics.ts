/*
 * Imported first by the fault-load test, before any function module: Powertools reads this when the
 * metrics object is built at import time. Thousands of EMF lines (one per invocation) would bury the
 * figures the test prints; the metrics themselves are covered by the observability tests.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
