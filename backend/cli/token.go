package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"

	"github.com/redflag/redflag/backend/admin"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/store/sqlite"
	"github.com/redflag/redflag/lists/cmd/cmdline"
)

// Token runs `redflag token create|list|revoke`, on the data directory
// directly (the server may be running; SQLite serializes the writes).
func Token(args []string, stdout, stderr io.Writer, _ io.Reader) int {
	usage := func() int {
		fmt.Fprintln(stderr, "Usage: redflag token create --data DIR --name NAME --role admin|reviewer\n       redflag token list --data DIR\n       redflag token revoke --data DIR --id ID")
		return exitUsage
	}
	if len(args) == 0 {
		return usage()
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage()
		return exitOK
	}
	sub := args[0]
	if sub != "create" && sub != "list" && sub != "revoke" {
		return usage()
	}
	fs := cmdline.NewFlags("token "+sub, "", "Manages admin API tokens. A new token is printed once; only its SHA-256 is stored.", stderr)
	dir := fs.String("data", "./redflag-data", "data directory of redflag serve")
	name := fs.String("name", "", "who holds the token (shown in the audit log)")
	role := fs.String("role", "", "admin (propose, review, publish) or reviewer (review only)")
	id := fs.Int64("id", 0, "token id (revoke)")
	if st, done := cmdline.Parse(fs, args[1:]); done {
		return st
	}
	if _, err := os.Stat(*dir); err != nil {
		return cmdline.Fail(stderr, "token", exitUsage, "data directory: %v (start redflag serve once, or pass --data)", err)
	}
	st, err := sqlite.Open(*dir)
	if err != nil {
		return cmdline.Fail(stderr, "token", exitFail, "%v", err)
	}
	defer st.Close()
	ctx := context.Background()
	ev := store.Event{Actor: localActor(), Remote: "local"}
	switch sub {
	case "create":
		r := store.Role(*role)
		if *name == "" || !r.Valid() {
			return cmdline.Fail(stderr, "token", exitUsage, "create needs --name and --role admin or reviewer")
		}
		tok, hash, err := admin.NewToken()
		if err != nil {
			return cmdline.Fail(stderr, "token", exitFail, "%v", err)
		}
		ev.Action, ev.Detail = "token_create", fmt.Sprintf(`{"name":%q,"role":%q}`, *name, r)
		t, err := st.CreateToken(ctx, store.Token{Name: *name, Role: r}, hash, ev)
		if err != nil {
			return cmdline.Fail(stderr, "token", exitFail, "%v", err)
		}
		fmt.Fprintln(stdout, tok)
		fmt.Fprintf(stderr, "token %d for %s (%s); shown once, keep it secret. Use it as: Authorization: Bearer TOKEN (or REDFLAG_TOKEN for redflag admin)\n", t.ID, t.Name, t.Role)
		return exitOK
	case "list":
		ts, err := st.Tokens(ctx)
		if err != nil {
			return cmdline.Fail(stderr, "token", exitFail, "%v", err)
		}
		enc := json.NewEncoder(stdout)
		for _, t := range ts {
			enc.Encode(t)
		}
		return exitOK
	case "revoke":
		if *id <= 0 {
			return cmdline.Fail(stderr, "token", exitUsage, "revoke needs --id")
		}
		ev.Action, ev.Target = "token_revoke", strconv.FormatInt(*id, 10)
		if err := st.RevokeToken(ctx, *id, ev); err != nil {
			return cmdline.Fail(stderr, "token", exitFail, "%v", err)
		}
		fmt.Fprintf(stderr, "token %d revoked\n", *id)
		return exitOK
	}
	return usage()
}

// localActor names who ran a local command, for the audit log.
func localActor() string {
	if u, err := user.Current(); err == nil {
		return "local:" + u.Username
	}
	return "local"
}
