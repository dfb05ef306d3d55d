// Package sqlite is the default store: one SQLite database (pure Go,
// modernc.org/sqlite) in WAL mode with full fsync, so a crash at any
// instant leaves every transaction either whole or absent. Large payloads
// (snapshots, deltas, change items) are blobs written in the same
// transaction as the rows that point to them.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/redflag/redflag/backend/publish"
	"github.com/redflag/redflag/backend/store"
)

// FileName is the database file inside the data directory.
const FileName = "redflag.db"

const schema = `
CREATE TABLE IF NOT EXISTS tokens (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('admin', 'reviewer')),
	hash BLOB NOT NULL UNIQUE,
	created_ms INTEGER NOT NULL,
	revoked_ms INTEGER
);
CREATE TABLE IF NOT EXISTS lists (
	name TEXT PRIMARY KEY,
	created_ms INTEGER NOT NULL
);
-- Settings of a list; a list without a row (made before settings existed)
-- has the defaults.
CREATE TABLE IF NOT EXISTS list_settings (
	list TEXT PRIMARY KEY REFERENCES lists(name),
	description TEXT NOT NULL DEFAULT '',
	browser_names INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS changes (
	id INTEGER PRIMARY KEY,
	list TEXT NOT NULL REFERENCES lists(name),
	state TEXT NOT NULL CHECK (state IN ('draft', 'pending', 'approved', 'rejected')),
	reason TEXT NOT NULL,
	force INTEGER NOT NULL DEFAULT 0,
	force_reason TEXT NOT NULL DEFAULT '',
	restore_version INTEGER NOT NULL DEFAULT 0,
	base_seq INTEGER NOT NULL DEFAULT 0,
	adds INTEGER NOT NULL DEFAULT 0,
	removes INTEGER NOT NULL DEFAULT 0,
	proposed_by TEXT NOT NULL,
	proposed_token INTEGER NOT NULL,
	proposed_ms INTEGER NOT NULL,
	reviewed_by TEXT NOT NULL DEFAULT '',
	reviewed_token INTEGER NOT NULL DEFAULT 0,
	reviewed_ms INTEGER NOT NULL DEFAULT 0,
	review_comment TEXT NOT NULL DEFAULT '',
	review_off INTEGER NOT NULL DEFAULT 0,
	approval_seq INTEGER UNIQUE,
	idem_key TEXT,
	UNIQUE (proposed_token, idem_key)
);
CREATE INDEX IF NOT EXISTS changes_by_list ON changes (list, state, id);
CREATE TABLE IF NOT EXISTS change_items (
	change_id INTEGER NOT NULL REFERENCES changes(id),
	batch INTEGER NOT NULL,
	items INTEGER NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (change_id, batch)
);
CREATE TABLE IF NOT EXISTS versions (
	list TEXT NOT NULL REFERENCES lists(name),
	version INTEGER NOT NULL,
	created_ms INTEGER NOT NULL,
	published_by TEXT NOT NULL,
	published_token INTEGER NOT NULL,
	approval_seq INTEGER NOT NULL,
	entries INTEGER NOT NULL,
	key_id TEXT NOT NULL,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	snapshot BLOB NOT NULL,
	PRIMARY KEY (list, version)
);
CREATE TABLE IF NOT EXISTS deltas (
	list TEXT NOT NULL,
	from_version INTEGER NOT NULL,
	to_version INTEGER NOT NULL,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (list, to_version, from_version),
	FOREIGN KEY (list, to_version) REFERENCES versions(list, version)
);
CREATE TABLE IF NOT EXISTS audit (
	id INTEGER PRIMARY KEY,
	at_ms INTEGER NOT NULL,
	actor TEXT NOT NULL,
	token_id INTEGER NOT NULL,
	action TEXT NOT NULL,
	list TEXT NOT NULL DEFAULT '',
	target TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	request_id TEXT NOT NULL DEFAULT '',
	remote TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_by_actor ON audit (actor, id);
CREATE INDEX IF NOT EXISTS audit_by_action ON audit (action, id);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit (at_ms);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
	BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
	BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS idempotency (
	token_id INTEGER NOT NULL,
	key TEXT NOT NULL,
	method TEXT NOT NULL,
	path TEXT NOT NULL,
	body_sha256 TEXT NOT NULL,
	status INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	body BLOB NOT NULL,
	created_ms INTEGER NOT NULL,
	PRIMARY KEY (token_id, key)
);
`

// DB is the SQLite store.
type DB struct {
	db      *sql.DB
	wrote   chan struct{} // a write happened: checkpoint soon
	stop    chan struct{}
	stopped chan struct{}
}

var (
	_ store.Store       = (*DB)(nil)
	_ store.SourceStore = (*DB)(nil)
)

// Open opens (creating if needed) the database in dir.
func Open(dir string) (*DB, error) {
	q := url.Values{}
	// Checkpoints run in the background (see checkpointer), not inside
	// the commit that happens to cross the WAL threshold: a publication
	// writes megabytes and should not also wait for them to be copied.
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "busy_timeout(10000)", "wal_autocheckpoint(0)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + filepath.Join(dir, FileName) + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	db.SetMaxOpenConns(8)
	for _, sch := range []string{schema, sourcesSchema} {
		if _, err := db.Exec(sch); err != nil {
			db.Close()
			return nil, fmt.Errorf("sqlite: creating schema in %s: %w", dir, err)
		}
	}
	d := &DB{db: db, wrote: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
	go d.checkpointer()
	return d, nil
}

// Close stops the checkpointer, checkpoints and closes the database.
func (d *DB) Close() error {
	close(d.stop)
	<-d.stopped
	d.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
	return d.db.Close()
}

// checkpointer copies the WAL into the database after writes and every
// half minute. A crash before a checkpoint loses nothing: committed
// transactions are in the WAL, which SQLite replays on open.
func (d *DB) checkpointer() {
	defer close(d.stopped)
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-d.wrote:
			select { // let a burst of writes finish
			case <-d.stop:
				return
			case <-time.After(time.Second):
			}
		case <-tick.C:
		}
		d.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
	}
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// tx runs fn in a write transaction.
func (d *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	select {
	case d.wrote <- struct{}{}:
	default:
	}
	return nil
}

func appendAudit(ctx context.Context, tx *sql.Tx, ev store.Event) error {
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at_ms, actor, token_id, action, list, target, detail, request_id, remote)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ms(ev.At), ev.Actor, ev.TokenID, ev.Action, ev.List, ev.Target, ev.Detail, ev.RequestID, ev.Remote)
	if err != nil {
		return fmt.Errorf("sqlite: audit: %w", err)
	}
	return nil
}

// Check runs SQLite's integrity check and verifies that every version has
// its snapshot and every delta its version.
func (d *DB) Check(ctx context.Context) error {
	var res string
	if err := d.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("sqlite: integrity check: %s", res)
	}
	var bad int
	err := d.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM versions WHERE length(snapshot) != size) +
		(SELECT count(*) FROM deltas d LEFT JOIN versions v ON v.list = d.list AND v.version = d.to_version WHERE v.version IS NULL) +
		(SELECT count(*) FROM changes c WHERE c.state != 'draft' AND c.adds + c.removes != (SELECT coalesce(sum(items), 0) FROM change_items WHERE change_id = c.id))`).Scan(&bad)
	if err != nil {
		return fmt.Errorf("sqlite: consistency check: %w", err)
	}
	if bad != 0 {
		return fmt.Errorf("sqlite: consistency check: %d inconsistent rows", bad)
	}
	return nil
}

func (d *DB) CreateToken(ctx context.Context, t store.Token, hash []byte, ev store.Event) (store.Token, error) {
	if t.Created.IsZero() {
		t.Created = time.Now().UTC()
	}
	err := d.tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO tokens (name, role, hash, created_ms) VALUES (?, ?, ?, ?)`, t.Name, string(t.Role), hash, ms(t.Created))
		if err != nil {
			return fmt.Errorf("sqlite: token: %w", err)
		}
		t.ID, _ = r.LastInsertId()
		ev.Target = fmt.Sprint(t.ID)
		return appendAudit(ctx, tx, ev)
	})
	return t, err
}

func (d *DB) TokenByHash(ctx context.Context, hash []byte) (store.Token, error) {
	var t store.Token
	var role string
	var created int64
	var revoked sql.NullInt64
	err := d.db.QueryRowContext(ctx, `SELECT id, name, role, created_ms, revoked_ms FROM tokens WHERE hash = ?`, hash).
		Scan(&t.ID, &t.Name, &role, &created, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return t, store.ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("sqlite: %w", err)
	}
	t.Role, t.Created, t.Revoked = store.Role(role), fromMS(created), revoked.Valid
	return t, nil
}

func (d *DB) Tokens(ctx context.Context) ([]store.Token, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, name, role, created_ms, revoked_ms FROM tokens ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	var out []store.Token
	for rows.Next() {
		var t store.Token
		var role string
		var created int64
		var revoked sql.NullInt64
		if err := rows.Scan(&t.ID, &t.Name, &role, &created, &revoked); err != nil {
			return nil, err
		}
		t.Role, t.Created, t.Revoked = store.Role(role), fromMS(created), revoked.Valid
		out = append(out, t)
	}
	return out, rows.Err()
}

func (d *DB) RevokeToken(ctx context.Context, id int64, ev store.Event) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL`, ms(time.Now()), id)
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("sqlite: token %d: %w", id, store.ErrNotFound)
		}
		return appendAudit(ctx, tx, ev)
	})
}

func (d *DB) Lists(ctx context.Context) ([]store.List, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT name, created_ms, coalesce(s.description, ''), coalesce(s.browser_names, 1)
		FROM lists LEFT JOIN list_settings s ON s.list = lists.name ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	var out []store.List
	for rows.Next() {
		var l store.List
		var c int64
		if err := rows.Scan(&l.Name, &c, &l.Description, &l.BrowserNames); err != nil {
			return nil, err
		}
		l.Created = fromMS(c)
		out = append(out, l)
	}
	return out, rows.Err()
}

func (d *DB) CreateList(ctx context.Context, l store.List, ev store.Event) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO lists (name, created_ms) VALUES (?, ?)`, l.Name, ms(l.Created))
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return fmt.Errorf("sqlite: list %q: %w", l.Name, store.ErrExists)
			}
			return fmt.Errorf("sqlite: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO list_settings (list, description, browser_names) VALUES (?, ?, ?)`,
			l.Name, l.Description, l.BrowserNames); err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		return appendAudit(ctx, tx, ev)
	})
}

func (d *DB) UpdateList(ctx context.Context, l store.List, ev store.Event) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM lists WHERE name = ?`, l.Name).Scan(&n); err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("sqlite: list %q: %w", l.Name, store.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO list_settings (list, description, browser_names) VALUES (?, ?, ?)
			ON CONFLICT (list) DO UPDATE SET description = excluded.description, browser_names = excluded.browser_names`,
			l.Name, l.Description, l.BrowserNames); err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		return appendAudit(ctx, tx, ev)
	})
}

func counts(items []store.Item) (adds, removes int) {
	for _, it := range items {
		if it.Op == store.Add {
			adds++
		} else {
			removes++
		}
	}
	return
}

func insertBatch(ctx context.Context, tx *sql.Tx, id int64, items []store.Item) error {
	if len(items) == 0 {
		return nil
	}
	var next int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(batch), -1) + 1 FROM change_items WHERE change_id = ?`, id).Scan(&next); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO change_items (change_id, batch, items, data) VALUES (?, ?, ?, ?)`,
		id, next, len(items), encodeItems(items)); err != nil {
		return fmt.Errorf("sqlite: items: %w", err)
	}
	adds, removes := counts(items)
	_, err := tx.ExecContext(ctx, `UPDATE changes SET adds = adds + ?, removes = removes + ? WHERE id = ?`, adds, removes, id)
	return err
}

func (d *DB) CreateChange(ctx context.Context, c store.Change, items []store.Item, ev store.Event) (store.Change, error) {
	if c.IdempotencyKey != "" {
		var id int64
		err := d.db.QueryRowContext(ctx, `SELECT id FROM changes WHERE proposed_token = ? AND idem_key = ?`, c.ProposedToken, c.IdempotencyKey).Scan(&id)
		if err == nil {
			old, err := d.Change(ctx, id)
			if err != nil {
				return old, err
			}
			return old, store.ErrExists
		}
	}
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if err := insertChange(ctx, tx, &c); err != nil {
			return err
		}
		if err := insertBatch(ctx, tx, c.ID, items); err != nil {
			return err
		}
		ev.Target = fmt.Sprint(c.ID)
		return appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return c, err
	}
	return d.Change(ctx, c.ID)
}

// insertChange stores c's row (no items) and sets its ID.
func insertChange(ctx context.Context, tx *sql.Tx, c *store.Change) error {
	var idem any
	if c.IdempotencyKey != "" {
		idem = c.IdempotencyKey
	}
	if c.Proposed.IsZero() {
		c.Proposed = time.Now().UTC()
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO changes (list, state, reason, force, force_reason, restore_version, base_seq,
		proposed_by, proposed_token, proposed_ms, idem_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.List, string(c.State), c.Reason, c.Force, c.ForceReason, c.RestoreVersion, c.BaseSeq,
		c.ProposedBy, c.ProposedToken, ms(c.Proposed), idem)
	if err != nil {
		if strings.Contains(err.Error(), "FOREIGN KEY") {
			return fmt.Errorf("sqlite: list %q: %w", c.List, store.ErrNotFound)
		}
		return fmt.Errorf("sqlite: change: %w", err)
	}
	c.ID, _ = r.LastInsertId()
	return nil
}

func (d *DB) AppendItems(ctx context.Context, id int64, items []store.Item, ev store.Event) (store.Change, error) {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var state string
		if err := tx.QueryRowContext(ctx, `SELECT state FROM changes WHERE id = ?`, id).Scan(&state); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("sqlite: change %d: %w", id, store.ErrNotFound)
			}
			return fmt.Errorf("sqlite: %w", err)
		}
		if state != string(store.Draft) {
			return fmt.Errorf("change %d is %s, not a draft: %w", id, state, store.ErrState)
		}
		if err := insertBatch(ctx, tx, id, items); err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return store.Change{}, err
	}
	return d.Change(ctx, id)
}

func (d *DB) SetState(ctx context.Context, c store.Change, from store.ChangeState, ev store.Event) (store.Change, error) {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var seq any
		if c.State == store.Approved {
			var next int64
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(approval_seq), 0) + 1 FROM changes`).Scan(&next); err != nil {
				return fmt.Errorf("sqlite: %w", err)
			}
			seq = next
		}
		var reviewed int64
		if c.Reviewed != nil {
			reviewed = ms(*c.Reviewed)
		}
		r, err := tx.ExecContext(ctx, `UPDATE changes SET state = ?, reviewed_by = ?, reviewed_token = ?, reviewed_ms = ?,
			review_comment = ?, review_off = ?, approval_seq = ? WHERE id = ? AND state = ?`,
			string(c.State), c.ReviewedBy, c.ReviewedToken, reviewed, c.ReviewComment, c.ReviewOff, seq, c.ID, string(from))
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("change %d is not %s: %w", c.ID, from, store.ErrState)
		}
		return appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return store.Change{}, err
	}
	return d.Change(ctx, c.ID)
}

const changeColumns = `id, list, state, reason, force, force_reason, restore_version, base_seq, adds, removes,
	proposed_by, proposed_token, proposed_ms, reviewed_by, reviewed_token, reviewed_ms, review_comment, review_off,
	coalesce(approval_seq, 0), coalesce(idem_key, '')`

type scanner interface{ Scan(...any) error }

func scanChange(s scanner) (store.Change, error) {
	var c store.Change
	var state string
	var proposed, reviewed int64
	err := s.Scan(&c.ID, &c.List, &state, &c.Reason, &c.Force, &c.ForceReason, &c.RestoreVersion, &c.BaseSeq, &c.Adds, &c.Removes,
		&c.ProposedBy, &c.ProposedToken, &proposed, &c.ReviewedBy, &c.ReviewedToken, &reviewed, &c.ReviewComment, &c.ReviewOff,
		&c.ApprovalSeq, &c.IdempotencyKey)
	if err != nil {
		return c, err
	}
	c.State, c.Proposed = store.ChangeState(state), fromMS(proposed)
	if reviewed != 0 {
		t := fromMS(reviewed)
		c.Reviewed = &t
	}
	return c, nil
}

func (d *DB) Change(ctx context.Context, id int64) (store.Change, error) {
	c, err := scanChange(d.db.QueryRowContext(ctx, `SELECT `+changeColumns+` FROM changes WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("change %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("sqlite: %w", err)
	}
	return c, nil
}

func (d *DB) Changes(ctx context.Context, f store.ChangeFilter) ([]store.Change, error) {
	q := `SELECT ` + changeColumns + ` FROM changes WHERE 1`
	var args []any
	if f.List != "" {
		q += ` AND list = ?`
		args = append(args, f.List)
	}
	if f.State != "" {
		q += ` AND state = ?`
		args = append(args, string(f.State))
	}
	rows, err := d.newestFirst(ctx, q, args, f.Before, f.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.Change{}
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// newestFirst runs q (which ends in WHERE conditions) for rows with ids
// below before (0: any), newest first, at most n of them.
func (d *DB) newestFirst(ctx context.Context, q string, args []any, before int64, n int) (*sql.Rows, error) {
	if before > 0 {
		q += ` AND id < ?`
		args = append(args, before)
	}
	rows, err := d.db.QueryContext(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit(n))...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return rows, nil
}

func limit(n int) int {
	if n <= 0 || n > 1000 {
		return 1000
	}
	return n
}

func (d *DB) Items(ctx context.Context, id int64, fn func(store.Batch) error) error {
	rows, err := d.db.QueryContext(ctx, `SELECT items, data FROM change_items WHERE change_id = ? ORDER BY batch`, id)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		var data []byte
		if err := rows.Scan(&n, &data); err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		items, err := decodeItems(data, n)
		if err != nil {
			return err
		}
		if err := fn(items); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (d *DB) Approved(ctx context.Context, list string, upTo int64, fn func(store.Change, []store.Batch) error) error {
	q := `SELECT ` + changeColumns + ` FROM changes WHERE list = ? AND state = 'approved'`
	args := []any{list}
	if upTo > 0 {
		q += ` AND approval_seq <= ?`
		args = append(args, upTo)
	}
	rows, err := d.db.QueryContext(ctx, q+` ORDER BY approval_seq`, args...)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	var changes []store.Change
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			rows.Close()
			return err
		}
		changes = append(changes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range changes {
		var all []store.Batch
		if err := d.Items(ctx, c.ID, func(b store.Batch) error {
			all = append(all, b)
			return nil
		}); err != nil {
			return err
		}
		if err := fn(c, all); err != nil {
			return err
		}
	}
	return nil
}

func (d *DB) LastSeq(ctx context.Context, list string) (int64, error) {
	var seq int64
	err := d.db.QueryRowContext(ctx, `SELECT coalesce(max(approval_seq), 0) FROM changes WHERE list = ?`, list).Scan(&seq)
	return seq, err
}

func (d *DB) Publish(ctx context.Context, v store.Version, snap []byte, deltas []publish.Delta, ev store.Event) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM versions WHERE list = ?`, v.List).Scan(&last); err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		if v.Version <= uint64(last) {
			return fmt.Errorf("version %d of %q is not above the last one, %d: %w", v.Version, v.List, last, store.ErrState)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO versions (list, version, created_ms, published_by, published_token, approval_seq,
			entries, key_id, size, sha256, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.List, int64(v.Version), ms(v.Created), v.PublishedBy, v.PublishedToken, v.ApprovalSeq, v.Entries, v.KeyID, len(snap), v.SHA256, snap)
		if err != nil {
			return fmt.Errorf("sqlite: version: %w", err)
		}
		if err := insertDeltas(ctx, tx, v.List, v.Version, deltas); err != nil {
			return err
		}
		return appendAudit(ctx, tx, ev)
	})
}

func insertDeltas(ctx context.Context, tx *sql.Tx, list string, to uint64, deltas []publish.Delta) error {
	for _, dl := range deltas {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO deltas (list, from_version, to_version, size, sha256, data) VALUES (?, ?, ?, ?, ?, ?)`,
			list, int64(dl.From), int64(to), len(dl.Bytes), dl.Ref.SHA256, dl.Bytes); err != nil {
			return fmt.Errorf("sqlite: delta: %w", err)
		}
	}
	return nil
}

func (d *DB) AddDeltas(ctx context.Context, list string, to uint64, deltas []publish.Delta) error {
	return d.tx(ctx, func(tx *sql.Tx) error { return insertDeltas(ctx, tx, list, to, deltas) })
}

func (d *DB) Versions(ctx context.Context, list string, n int) ([]store.Version, error) {
	q := `SELECT list, version, created_ms, published_by, published_token, approval_seq, entries, key_id, size, sha256
		FROM versions WHERE list = ? ORDER BY version DESC`
	args := []any{list}
	if n > 0 {
		q += ` LIMIT ?`
		args = append(args, n)
	}
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	out := []store.Version{}
	for rows.Next() {
		var v store.Version
		var ver, created int64
		if err := rows.Scan(&v.List, &ver, &created, &v.PublishedBy, &v.PublishedToken, &v.ApprovalSeq, &v.Entries, &v.KeyID, &v.Size, &v.SHA256); err != nil {
			rows.Close()
			return nil, err
		}
		v.Version, v.Created, v.Deltas = uint64(ver), fromMS(created), []store.DeltaSize{}
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	rows, err = d.db.QueryContext(ctx, `SELECT to_version, from_version, size FROM deltas WHERE list = ? AND to_version >= ? ORDER BY from_version`,
		list, int64(out[len(out)-1].Version))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	byVersion := make(map[uint64]*store.Version, len(out))
	for i := range out {
		byVersion[out[i].Version] = &out[i]
	}
	for rows.Next() {
		var to, from int64
		var size int
		if err := rows.Scan(&to, &from, &size); err != nil {
			return nil, err
		}
		if v := byVersion[uint64(to)]; v != nil {
			v.Deltas = append(v.Deltas, store.DeltaSize{From: uint64(from), Size: size})
		}
	}
	return out, rows.Err()
}

func (d *DB) Snapshot(ctx context.Context, list string, version uint64) ([]byte, error) {
	var b []byte
	err := d.db.QueryRowContext(ctx, `SELECT snapshot FROM versions WHERE list = ? AND version = ?`, list, int64(version)).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("version %d of %q: %w", version, list, store.ErrNotFound)
	}
	return b, err
}

func (d *DB) Deltas(ctx context.Context, list string, to uint64) ([]publish.Delta, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT from_version, data FROM deltas WHERE list = ? AND to_version = ? ORDER BY from_version`, list, int64(to))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	var out []publish.Delta
	for rows.Next() {
		var from int64
		var b []byte
		if err := rows.Scan(&from, &b); err != nil {
			return nil, err
		}
		out = append(out, publish.Delta{From: uint64(from), Bytes: b,
			Ref: publish.DeltaRef{From: uint64(from), Blob: publish.BlobOf(publish.DeltaKey(list, uint64(from), to), b)}})
	}
	return out, rows.Err()
}

func (d *DB) AppendAudit(ctx context.Context, ev store.Event) error {
	return d.tx(ctx, func(tx *sql.Tx) error { return appendAudit(ctx, tx, ev) })
}

func (d *DB) Audit(ctx context.Context, f store.AuditFilter) ([]store.Event, error) {
	q := `SELECT id, at_ms, actor, token_id, action, list, target, detail, request_id, remote FROM audit WHERE 1`
	var args []any
	add := func(cond string, v any) { q += " AND " + cond; args = append(args, v) }
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.List != "" {
		add("list = ?", f.List)
	}
	if !f.Since.IsZero() {
		add("at_ms >= ?", ms(f.Since))
	}
	if !f.Until.IsZero() {
		add("at_ms < ?", ms(f.Until))
	}
	rows, err := d.newestFirst(ctx, q, args, f.Before, f.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.Event{}
	for rows.Next() {
		var e store.Event
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.TokenID, &e.Action, &e.List, &e.Target, &e.Detail, &e.RequestID, &e.Remote); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (d *DB) Remembered(ctx context.Context, tokenID int64, key string) (store.Response, bool, error) {
	var r store.Response
	err := d.db.QueryRowContext(ctx, `SELECT method, path, body_sha256, status, content_type, body FROM idempotency WHERE token_id = ? AND key = ?`,
		tokenID, key).Scan(&r.Method, &r.Path, &r.BodySHA256, &r.Status, &r.ContentType, &r.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("sqlite: %w", err)
	}
	return r, true, nil
}

func (d *DB) Remember(ctx context.Context, tokenID int64, key string, r store.Response) error {
	_, err := d.db.ExecContext(ctx, `INSERT OR IGNORE INTO idempotency (token_id, key, method, path, body_sha256, status, content_type, body, created_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, tokenID, key, r.Method, r.Path, r.BodySHA256, r.Status, r.ContentType, r.Body, ms(time.Now()))
	return err
}
