module kubefed-iac.local/e2e/latency-proxy

go 1.26
