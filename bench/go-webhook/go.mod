module capguard.local/bench/go-webhook

go 1.22
