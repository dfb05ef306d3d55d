// Package e2e tests the publisher as a real process: each test builds the
// redflag binary, starts `redflag serve` on 127.0.0.1 with its own data
// directory, and drives it over HTTP with package client, verifying what
// it publishes with the lists core.
package e2e
