//go:build js

// Command jsboundary is the road not taken, kept to measure it: the same
// checker built with GOOS=js and syscall/js instead of a wasip1 reactor.
// It offers both ways to cross that boundary:
//
//   - checkBytes(Uint8Array) -> Uint8Array: the byte protocol of
//     wasm/PROTOCOL.md, one copy in and one copy out per batch;
//   - checkArray(Array<string>) -> Array<object>: every input read and
//     every result built through syscall/js values, the obvious way.
//
// wasm/bench/boundary.mjs compares them with the wasip1 module.
package main

import (
	"encoding/binary"
	"syscall/js"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/wasm/checker"
	"github.com/redflag/redflag/wasm/protocol"
)

var (
	state   *checker.Checker
	in      []byte
	results protocol.Results
	inputs  []string
)

func main() {
	var err error
	if state, err = checker.New(); err != nil {
		panic(err)
	}
	js.Global().Set("redflagJS", js.ValueOf(map[string]any{
		"checkBytes": js.FuncOf(checkBytes),
		"checkArray": js.FuncOf(checkArray),
		"load":       js.FuncOf(load),
		"addKey":     js.FuncOf(addKey),
	}))
	select {}
}

func bytesArg(v js.Value) []byte {
	n := v.Get("length").Int()
	if cap(in) < n {
		in = make([]byte, n)
	}
	in = in[:n]
	js.CopyBytesToGo(in, v)
	return in
}

// checkBytes answers in one buffer: header, words, text, with addresses
// relative to the buffer's start.
func checkBytes(_ js.Value, args []js.Value) any {
	b := bytesArg(args[0])
	var err error
	inputs, err = protocol.Inputs(b, inputs[:0])
	if err != nil {
		return err.Error()
	}
	results.Reset()
	s := state.List()
	for _, input := range inputs {
		results.Add(check.Check(s, input, check.Options{}))
	}
	clear(inputs)
	words := uint32(protocol.HeaderSize)
	text := words + 4*uint32(len(results.Words))
	out := protocol.AppendHeader(make([]byte, 0, int(text)+len(results.Text)), protocol.Header{
		Count: uint32(results.Count), WordsAt: words, WordCount: uint32(len(results.Words)),
		TextAt: text, TextBytes: uint32(len(results.Text)), ListVersion: s.Version,
	})
	for _, w := range results.Words {
		out = binary.LittleEndian.AppendUint32(out, w)
	}
	out = append(out, results.Text...)
	u8 := js.Global().Get("Uint8Array").New(len(out))
	js.CopyBytesToJS(u8, out)
	return u8
}

func checkArray(_ js.Value, args []js.Value) any {
	arr := args[0]
	n := arr.Length()
	out := make([]any, n)
	s := state.List()
	for i := 0; i < n; i++ {
		r := check.Check(s, arr.Index(i).String(), check.Options{})
		o := map[string]any{
			"verdict": r.Verdict, "match": r.Match, "canonical": r.Canonical, "registrable": r.Registrable,
			"listVersion": float64(r.ListVersion), "error": r.Error, "entry": nil,
		}
		if r.Entry != nil {
			o["entry"] = map[string]any{"kind": r.Entry.Kind.String(), "authority": r.Entry.Authority, "date": r.Entry.Date, "reference": r.Entry.Reference, "note": r.Entry.Note}
		}
		out[i] = o
	}
	return js.ValueOf(out)
}

func load(_ js.Value, args []js.Value) any {
	if err := state.Load(bytesArg(args[0])); err != nil {
		return err.Error()
	}
	return ""
}

func addKey(_ js.Value, args []js.Value) any {
	if _, err := state.AddTrustedKeys([]string{args[0].String()}); err != nil {
		return err.Error()
	}
	return ""
}
