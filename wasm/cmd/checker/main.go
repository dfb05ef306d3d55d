//go:build wasip1

// Command checker is the RedFlag checker as a WebAssembly reactor module
// (GOOS=wasip1, -buildmode=c-shared): the lists core behind a handful of
// //go:wasmexport functions that exchange bytes through linear memory, as
// wasm/PROTOCOL.md specifies. extension/checker/checker.js is its only
// intended caller.
package main

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/lookalike"
	"github.com/redflag/redflag/wasm/checker"
	"github.com/redflag/redflag/wasm/protocol"
)

// main is never called in a reactor: _initialize runs the package
// initialization (at build time, in the shipped module: wasm/PROTOCOL.md,
// "Pre-initialized"), then JavaScript calls the exports below.
func main() {}

// init opens the embedded default list, so that the module pre-initialized
// at build time starts with it open and rf_init has nothing left to do.
// It also builds what the checking path would build on its first use (the
// look-alike code's table of popular names), so that it is in the snapshot
// too rather than in the first verdict.
func init() {
	state, initErr = checker.New()
	lookalike.WellKnownFold("")
	if initErr == nil {
		infoJSON = state.Info().JSON()
	}
}

var (
	state   *checker.Checker
	initErr error
	in      []byte // the input region JavaScript writes requests into
	out     []byte // the last response; stays referenced until the next call
	header  []byte
	results protocol.Results
	inputs  []string
	// infoJSON is rf_info's answer until the list or the keys change: made
	// in init, so that the answer start-up asks for is in the snapshot.
	infoJSON []byte
)

func addr[T any](b []T) uint32 {
	if cap(b) == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
}

// respond makes b the output region and returns its length.
func respond(b []byte) uint32 {
	out = b
	return uint32(len(b))
}

// respondStatus answers a control call with a status.
func respondStatus(st status) uint32 {
	o := protocol.NewObject(nil)
	o.Bool("ok", st.OK)
	o.Uint("version", st.Version)
	if st.Error != "" {
		o.String("error", st.Error)
	}
	if len(st.KeyIDs) > 0 {
		o.Strings("keyIds", st.KeyIDs)
	}
	return respond(o.Bytes())
}

// guard turns a panic into an error answer, so that no input can take the
// module down with it.
func guard(what string) {
	if p := recover(); p != nil {
		respondStatus(status{Error: fmt.Sprintf("checker: %s failed: %v", what, p)})
	}
}

// status is the answer of a control call (wasm/PROTOCOL.md).
type status struct {
	OK      bool
	Version uint64
	Error   string
	KeyIDs  []string
}

// answerUpdate answers a call that may have replaced the list.
func answerUpdate(err error) uint32 {
	infoJSON = nil
	if err != nil {
		return respondStatus(failed(err))
	}
	return respondStatus(current())
}

func current() status {
	return status{OK: true, Version: state.List().Version}
}

func failed(err error) status {
	s := status{Error: err.Error()}
	if state != nil {
		s.Version = state.List().Version
	}
	return s
}

// rf_init answers whether the embedded list opened (init did the work).
//
//go:wasmexport rf_init
func rfInit() (n uint32) {
	defer guard("init")
	if initErr != nil {
		return respondStatus(failed(initErr))
	}
	return respondStatus(current())
}

//go:wasmexport rf_buffer
func rfBuffer(n uint32) uint32 {
	if uint32(cap(in)) < n {
		in = make([]byte, n, n+n/4)
	}
	in = in[:n]
	return addr(in)
}

//go:wasmexport rf_output
func rfOutput() uint32 { return addr(out) }

//go:wasmexport rf_check
func rfCheck(n, mode uint32) (size uint32) {
	defer guard("check")
	results.Reset()
	h := protocol.Header{Status: 0}
	var err error
	if state == nil {
		err = fmt.Errorf("checker: not initialized")
	} else if inputs, err = protocol.Inputs(in[:n], inputs[:0]); err == nil {
		s := state.List()
		h.ListVersion = s.Version
		opt := check.Options{NoLookAlikes: mode&protocol.NoLookAlikes != 0}
		if mode&protocol.VerdictOnly != 0 {
			for _, input := range inputs {
				results.AddVerdict(check.Lookup(s, input, opt))
			}
		} else {
			for _, input := range inputs {
				results.Add(check.Check(s, input, opt))
			}
		}
	}
	clear(inputs) // the strings alias in
	if err != nil {
		results.Reset()
		results.Text = append(results.Text, err.Error()...)
		h.Status = 1
	}
	h.Count = uint32(results.Count)
	h.WordsAt, h.WordCount = addr(results.Words), uint32(len(results.Words))
	h.TextAt, h.TextBytes = addr(results.Text), uint32(len(results.Text))
	header = protocol.AppendHeader(header[:0], h)
	return respond(header)
}

//go:wasmexport rf_load
func rfLoad(n uint32) uint32 {
	defer guard("load")
	return answerUpdate(state.Load(in[:n]))
}

// rf_load_verified is rf_load for a snapshot whose signature the host has
// verified with the key rf_key gave it (wasm/PROTOCOL.md).
//
//go:wasmexport rf_load_verified
func rfLoadVerified(n uint32) uint32 {
	defer guard("load")
	return answerUpdate(state.LoadSignatureVerified(in[:n]))
}

// rf_key makes the trusted public key whose 8-byte id is in the input
// region the output region, and returns its length: 32, or 0 if no
// trusted key has that id.
//
//go:wasmexport rf_key
func rfKey(n uint32) uint32 {
	defer guard("key")
	return respond(state.KeyFor(in[:n]))
}

//go:wasmexport rf_apply_delta
func rfApplyDelta(n uint32) uint32 {
	defer guard("applyDelta")
	return answerUpdate(state.ApplyDelta(in[:n]))
}

//go:wasmexport rf_add_keys
func rfAddKeys(n uint32) uint32 {
	defer guard("addTrustedKeys")
	infoJSON = nil
	ids, err := state.AddTrustedKeys(strings.Split(string(in[:n]), "\n"))
	if err != nil {
		return respondStatus(failed(err))
	}
	st := current()
	for _, id := range ids {
		st.KeyIDs = append(st.KeyIDs, id.String())
	}
	return respondStatus(st)
}

//go:wasmexport rf_info
func rfInfo() uint32 {
	defer guard("info")
	if infoJSON == nil {
		infoJSON = state.Info().JSON()
	}
	return respond(infoJSON)
}

// rf_snapshot makes the current snapshot's own bytes the output region
// (no copy; JavaScript copies them out before the next call).
//
// rf_names makes the current list's browser names (lists/FORMAT.md,
// section 2), one a line, the output region; empty when the list does not
// publish them.
//
//go:wasmexport rf_names
func rfNames() uint32 {
	defer guard("browserNames")
	n := 0
	for _, s := range state.List().Names {
		n += len(s) + 1
	}
	b := make([]byte, 0, n)
	for i, s := range state.List().Names {
		if i > 0 {
			b = append(b, '\n')
		}
		b = append(b, s...)
	}
	return respond(b)
}

//go:wasmexport rf_snapshot
func rfSnapshot() uint32 {
	defer guard("snapshotBytes")
	return respond(state.List().Bytes())
}
