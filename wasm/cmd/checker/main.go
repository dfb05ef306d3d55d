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
	"github.com/redflag/redflag/lists/snapshot"
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
		infoJSON = state.Default().Info().JSON()
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
	scratch check.Scratch // every check of a batch searches in it, one after another
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
	if st.HasList {
		o.Int("list", st.List)
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
	List    int // rf_subscribe: the new list's id
	HasList bool
}

// answerUpdate answers a call that may have replaced list l.
func answerUpdate(l *checker.List, err error) uint32 {
	if l == state.Default() {
		infoJSON = nil
	}
	if err != nil {
		return respondStatus(failed(l, err))
	}
	return respondStatus(status{OK: true, Version: l.Version()})
}

func failed(l *checker.List, err error) status {
	s := status{Error: err.Error()}
	if l != nil {
		s.Version = l.Version()
	}
	return s
}

// list returns list id's list, or answers that there is none.
func list(id uint32) (*checker.List, bool) {
	if state == nil {
		respondStatus(failed(nil, fmt.Errorf("checker: not initialized")))
		return nil, false
	}
	l := state.List(int(id))
	if l == nil {
		respondStatus(failed(nil, fmt.Errorf("%w: %d", checker.ErrNoList, id)))
		return nil, false
	}
	return l, true
}

// rf_init answers whether the embedded list opened (init did the work).
//
//go:wasmexport rf_init
func rfInit() (n uint32) {
	defer guard("init")
	if initErr != nil {
		return respondStatus(failed(nil, initErr))
	}
	return respondStatus(status{OK: true, Version: state.Default().Version()})
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
		lists := state.Snapshots()
		h.ListVersion = state.Default().Version()
		opt := check.Options{NoLookAlikes: mode&protocol.NoLookAlikes != 0, Scratch: &scratch}
		if mode&protocol.VerdictOnly != 0 {
			for _, input := range inputs {
				a, id, err := check.LookupAcross(lists, input, opt)
				results.AddVerdict(a, err)
				if id > 0 {
					results.FromList(id)
				}
			}
		} else {
			for _, input := range inputs {
				r, id := check.Across(lists, input, opt)
				results.Add(r)
				if id > 0 {
					results.FromList(id)
				}
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

// The control calls below name their list by id (wasm/PROTOCOL.md,
// "Several lists"): 0 is the embedded default list.

//go:wasmexport rf_load
func rfLoad(n, id uint32) uint32 {
	defer guard("load")
	l, ok := list(id)
	if !ok {
		return uint32(len(out))
	}
	return answerUpdate(l, l.Load(in[:n]))
}

// rf_load_verified is rf_load for a snapshot whose signature the host has
// verified with the key rf_key gave it (wasm/PROTOCOL.md).
//
//go:wasmexport rf_load_verified
func rfLoadVerified(n, id uint32) uint32 {
	defer guard("load")
	l, ok := list(id)
	if !ok {
		return uint32(len(out))
	}
	return answerUpdate(l, l.LoadSignatureVerified(in[:n]))
}

// rf_key makes the public key trusted for list id whose 8-byte key id is in
// the input region the output region, and returns its length: 32, or 0 if
// no key trusted for that list has that id.
//
//go:wasmexport rf_key
func rfKey(n, id uint32) uint32 {
	defer guard("key")
	l := state.List(int(id))
	if l == nil {
		return respond(nil)
	}
	return respond(l.KeyFor(in[:n]))
}

//go:wasmexport rf_apply_delta
func rfApplyDelta(n, id uint32) uint32 {
	defer guard("applyDelta")
	l, ok := list(id)
	if !ok {
		return uint32(len(out))
	}
	return answerUpdate(l, l.ApplyDelta(in[:n]))
}

//go:wasmexport rf_add_keys
func rfAddKeys(n, id uint32) uint32 {
	defer guard("addTrustedKeys")
	l, ok := list(id)
	if !ok {
		return uint32(len(out))
	}
	infoJSON = nil
	ids, err := l.AddTrustedKeys(strings.Split(string(in[:n]), "\n"))
	if err != nil {
		return respondStatus(failed(l, err))
	}
	st := status{OK: true, Version: l.Version()}
	for _, id := range ids {
		st.KeyIDs = append(st.KeyIDs, id.String())
	}
	return respondStatus(st)
}

// rf_subscribe adds a list: the input region holds its name, then the keys
// trusted for it alone, one a line ("ed25519:BASE64"). The status carries
// the new list's id.
//
//go:wasmexport rf_subscribe
func rfSubscribe(n uint32) uint32 {
	defer guard("subscribe")
	lines := strings.Split(string(in[:n]), "\n")
	id, err := state.Subscribe(lines[0], lines[1:])
	if err != nil {
		return respondStatus(failed(nil, err))
	}
	return respondStatus(status{OK: true, List: id, HasList: true})
}

// rf_unsubscribe forgets list id (not 0) and the keys trusted for it.
//
//go:wasmexport rf_unsubscribe
func rfUnsubscribe(id uint32) uint32 {
	defer guard("unsubscribe")
	if err := state.Unsubscribe(int(id)); err != nil {
		return respondStatus(failed(nil, err))
	}
	return respondStatus(status{OK: true})
}

//go:wasmexport rf_info
func rfInfo(id uint32) uint32 {
	defer guard("info")
	l, ok := list(id)
	if !ok {
		return uint32(len(out))
	}
	if id != 0 {
		return respond(l.Info().JSON())
	}
	if infoJSON == nil {
		infoJSON = l.Info().JSON()
	}
	return respond(infoJSON)
}

// rf_names makes list id's browser names (lists/FORMAT.md, section 2), one
// a line, the output region; empty when the list does not publish them.
//
//go:wasmexport rf_names
func rfNames(id uint32) uint32 {
	defer guard("browserNames")
	s := snapshotOf(id)
	if s == nil {
		return respond(nil)
	}
	n := 0
	for _, name := range s.Names {
		n += len(name) + 1
	}
	b := make([]byte, 0, n)
	for i, name := range s.Names {
		if i > 0 {
			b = append(b, '\n')
		}
		b = append(b, name...)
	}
	return respond(b)
}

// rf_snapshot makes list id's snapshot's own bytes the output region (no
// copy; JavaScript copies them out before the next call); empty before its
// first snapshot.
//
//go:wasmexport rf_snapshot
func rfSnapshot(id uint32) uint32 {
	defer guard("snapshotBytes")
	s := snapshotOf(id)
	if s == nil {
		return respond(nil)
	}
	return respond(s.Bytes())
}

func snapshotOf(id uint32) *snapshot.Snapshot {
	if l := state.List(int(id)); l != nil {
		return l.Snapshot()
	}
	return nil
}
