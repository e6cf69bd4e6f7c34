-- wrk's summary as one line the dashboard benchmarks read:
-- WRK p50-ms p95-ms max-ms requests non-2xx socket-errors
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("WRK %.1f %.1f %.1f %d %d %d\n", latency:percentile(50) / 1000,
        latency:percentile(95) / 1000, latency.max / 1000, summary.requests, e.status,
        e.connect + e.read + e.write + e.timeout))
end
