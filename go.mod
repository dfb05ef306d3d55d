module github.com/redflag/redflag

go 1.26.8

require (
	github.com/bits-and-blooms/bloom/v3 v3.7.1
	github.com/cespare/xxhash/v2 v2.3.0
	golang.org/x/net v0.62.0
)

require (
	github.com/bits-and-blooms/bitset v1.24.2 // indirect
	golang.org/x/text v0.43.0 // indirect
)
