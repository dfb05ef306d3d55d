package checker

import "github.com/redflag/redflag/wasm/protocol"

// JSON returns in as encoding/json writes it, which is the module's rf_info
// answer; the module writes it field by field so that it links no
// reflection (wasm/PROTOCOL.md, "Smaller"). TestInfoJSON compares the two,
// so a field added to Info and not here fails it.
func (in Info) JSON() []byte {
	o := protocol.NewObject(nil)
	o.String("name", in.Name)
	o.Bool("loaded", in.Loaded)
	o.Uint("version", in.Version)
	o.String("created", in.Created)
	o.Int("entries", in.Entries)
	o.Int("keys", in.Keys)
	o.Int("markers", in.Markers)
	o.Int("provenances", in.Provenances)
	o.Uint("bloomBits", in.BloomBits)
	o.Int("bloomHashes", in.BloomHashes)
	o.String("keyId", in.KeyID)
	o.Int("bytes", in.Bytes)
	o.Bool("namesPublished", in.NamesPublished)
	o.Int("browserNames", in.BrowserNames)
	o.Int("lookAlikeTargets", in.LookAlikeTargets)
	o.Strings("trustedKeys", in.TrustedKeys)
	return o.Bytes()
}
