package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/lists/entry"
)

// Sources and their pulls. A source's baseline (the entries it carries)
// is one blob in the item encoding of items.go; a TAXII source also keeps
// its collection's objects. Pulls are kept per source up to keepPulls.
const sourcesSchema = `
CREATE TABLE IF NOT EXISTS sources (
	id INTEGER PRIMARY KEY,
	list TEXT NOT NULL REFERENCES lists(name),
	name TEXT NOT NULL,
	url TEXT NOT NULL,
	format TEXT NOT NULL,
	kind TEXT NOT NULL,
	authority TEXT NOT NULL,
	reference TEXT NOT NULL,
	every_ms INTEGER NOT NULL,
	review TEXT NOT NULL CHECK (review IN ('review', 'auto')),
	max_adds INTEGER NOT NULL,
	max_remove_percent INTEGER NOT NULL,
	enabled INTEGER NOT NULL,
	secret_header TEXT NOT NULL DEFAULT '',
	secret BLOB,
	created_by TEXT NOT NULL,
	created_ms INTEGER NOT NULL,
	updated_ms INTEGER NOT NULL,
	last_pull_ms INTEGER NOT NULL DEFAULT 0,
	last_ok_ms INTEGER NOT NULL DEFAULT 0,
	last_result TEXT NOT NULL DEFAULT '',
	last_error TEXT NOT NULL DEFAULT '',
	failures INTEGER NOT NULL DEFAULT 0,
	next_pull_ms INTEGER NOT NULL DEFAULT 0,
	etag TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	cursor TEXT NOT NULL DEFAULT '',
	content_sha256 TEXT NOT NULL DEFAULT '',
	baseline_items INTEGER NOT NULL DEFAULT 0,
	baseline BLOB NOT NULL DEFAULT x'',
	objects BLOB NOT NULL DEFAULT x'',
	UNIQUE (list, name)
);
CREATE TABLE IF NOT EXISTS source_pulls (
	id INTEGER PRIMARY KEY,
	source_id INTEGER NOT NULL REFERENCES sources(id),
	at_ms INTEGER NOT NULL,
	took_ms INTEGER NOT NULL,
	by TEXT NOT NULL,
	result TEXT NOT NULL,
	http_status INTEGER NOT NULL,
	bytes INTEGER NOT NULL,
	entries INTEGER NOT NULL,
	rejected INTEGER NOT NULL,
	added INTEGER NOT NULL,
	removed INTEGER NOT NULL,
	held TEXT NOT NULL,
	change_id INTEGER NOT NULL,
	error TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS source_pulls_by_source ON source_pulls (source_id, id);
`

// keepPulls bounds the pull history of one source; the changes a source
// proposed are also found through their proposer.
const keepPulls = 1000

const sourceColumns = `id, list, name, url, format, kind, authority, reference, every_ms, review, max_adds, max_remove_percent,
	enabled, secret_header, secret, created_by, created_ms, updated_ms, last_pull_ms, last_ok_ms, last_result, last_error,
	failures, next_pull_ms, etag, last_modified, cursor, content_sha256, baseline_items`

func scanSource(s scanner) (store.Source, error) {
	var src store.Source
	var kind string
	var every, created, updated, lastPull, lastOK, next int64
	err := s.Scan(&src.ID, &src.List, &src.Name, &src.URL, &src.Format, &kind, &src.Authority, &src.Reference, &every, &src.Review,
		&src.MaxAdds, &src.MaxRemovePercent, &src.Enabled, &src.SecretHeader, &src.Secret, &src.CreatedBy, &created, &updated,
		&lastPull, &lastOK, &src.LastResult, &src.LastError, &src.Failures, &next, &src.ETag, &src.LastModified, &src.Cursor,
		&src.ContentSHA256, &src.Entries)
	if err != nil {
		return src, err
	}
	if src.Kind, err = entry.ParseKind(kind); err != nil {
		return src, fmt.Errorf("sqlite: source %d: %w", src.ID, err)
	}
	src.Every, src.Created, src.Updated, src.NextPull = store.Interval(time.Duration(every)*time.Millisecond), fromMS(created), fromMS(updated), fromMS(next)
	src.HasSecret = len(src.Secret) > 0
	if lastPull != 0 {
		t := fromMS(lastPull)
		src.LastPull = &t
	}
	if lastOK != 0 {
		t := fromMS(lastOK)
		src.LastOK = &t
	}
	return src, nil
}

func everyMS(s store.Source) int64 { return time.Duration(s.Every).Milliseconds() }

func (d *DB) CreateSource(ctx context.Context, s store.Source, ev store.Event) (store.Source, error) {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO sources (list, name, url, format, kind, authority, reference, every_ms, review,
			max_adds, max_remove_percent, enabled, secret_header, secret, created_by, created_ms, updated_ms, next_pull_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.List, s.Name, s.URL, s.Format, s.Kind.String(), s.Authority, s.Reference, everyMS(s), s.Review,
			s.MaxAdds, s.MaxRemovePercent, s.Enabled, s.SecretHeader, s.Secret, s.CreatedBy, ms(s.Created), ms(s.Updated), ms(s.NextPull))
		if err != nil {
			switch {
			case strings.Contains(err.Error(), "UNIQUE"):
				return fmt.Errorf("sqlite: source %q of list %q: %w", s.Name, s.List, store.ErrExists)
			case strings.Contains(err.Error(), "FOREIGN KEY"):
				return fmt.Errorf("sqlite: list %q: %w", s.List, store.ErrNotFound)
			}
			return fmt.Errorf("sqlite: source: %w", err)
		}
		s.ID, _ = r.LastInsertId()
		return appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return s, err
	}
	return d.Source(ctx, s.List, s.Name)
}

func (d *DB) UpdateSource(ctx context.Context, s store.Source, ev store.Event) (store.Source, error) {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE sources SET url = ?, format = ?, kind = ?, authority = ?, reference = ?, every_ms = ?,
			review = ?, max_adds = ?, max_remove_percent = ?, enabled = ?, secret_header = ?, secret = ?, updated_ms = ?,
			next_pull_ms = ?, etag = ?, last_modified = ?, content_sha256 = ?, cursor = ?,
			objects = CASE WHEN ? = '' THEN x'' ELSE objects END WHERE id = ?`,
			s.URL, s.Format, s.Kind.String(), s.Authority, s.Reference, everyMS(s), s.Review, s.MaxAdds, s.MaxRemovePercent,
			s.Enabled, s.SecretHeader, s.Secret, ms(s.Updated), ms(s.NextPull), s.ETag, s.LastModified, s.ContentSHA256, s.Cursor,
			s.Cursor, s.ID)
		if err != nil {
			return fmt.Errorf("sqlite: source: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("sqlite: source %d: %w", s.ID, store.ErrNotFound)
		}
		return appendAudit(ctx, tx, ev)
	})
	if err != nil {
		return s, err
	}
	return d.Source(ctx, s.List, s.Name)
}

func (d *DB) Source(ctx context.Context, list, name string) (store.Source, error) {
	s, err := scanSource(d.db.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE list = ? AND name = ?`, list, name))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("source %q of list %q: %w", name, list, store.ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("sqlite: %w", err)
	}
	return s, nil
}

func (d *DB) Sources(ctx context.Context, list string) ([]store.Source, error) {
	q := `SELECT ` + sourceColumns + ` FROM sources`
	var args []any
	if list != "" {
		q += ` WHERE list = ?`
		args = append(args, list)
	}
	rows, err := d.db.QueryContext(ctx, q+` ORDER BY list, name`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	out := []store.Source{}
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (d *DB) SourceState(ctx context.Context, id int64) (store.SourceState, error) {
	var st store.SourceState
	var n int
	var baseline []byte
	err := d.db.QueryRowContext(ctx, `SELECT baseline_items, baseline, objects FROM sources WHERE id = ?`, id).Scan(&n, &baseline, &st.Objects)
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("source %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return st, fmt.Errorf("sqlite: %w", err)
	}
	st.Baseline, err = decodeItems(baseline, n)
	return st, err
}

func (d *DB) RecordPull(ctx context.Context, r store.PullRecord) (store.Pull, error) {
	p, s := r.Pull, r.Source
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if r.Change != nil {
			r.Change.Proposed = p.At
			if err := insertChange(ctx, tx, r.Change); err != nil {
				return err
			}
			// One batch per workflow.MaxBatch items, as a draft uploaded
			// in parts would have.
			for i := 0; i < len(r.Items); i += 100_000 {
				if err := insertBatch(ctx, tx, r.Change.ID, r.Items[i:min(i+100_000, len(r.Items))]); err != nil {
					return err
				}
			}
			p.Change = r.Change.ID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO source_pulls (source_id, at_ms, took_ms, by, result, http_status, bytes, entries,
			rejected, added, removed, held, change_id, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, ms(p.At), p.TookMS, p.By, p.Result, p.Status, p.Bytes, p.Entries, p.Rejected, p.Added, p.Removed, p.Held, p.Change, p.Error)
		if err != nil {
			return fmt.Errorf("sqlite: pull: %w", err)
		}
		p.ID, _ = res.LastInsertId()
		p.Source = s.ID
		if _, err := tx.ExecContext(ctx, `DELETE FROM source_pulls WHERE source_id = ? AND id <= ?`, s.ID, p.ID-keepPulls); err != nil {
			return fmt.Errorf("sqlite: pull: %w", err)
		}
		var lastPull, lastOK int64
		if s.LastPull != nil {
			lastPull = ms(*s.LastPull)
		}
		if s.LastOK != nil {
			lastOK = ms(*s.LastOK)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET last_pull_ms = ?, last_ok_ms = ?, last_result = ?, last_error = ?,
			failures = ?, next_pull_ms = ?, etag = ?, last_modified = ?, cursor = ?, content_sha256 = ? WHERE id = ?`,
			lastPull, lastOK, s.LastResult, s.LastError, s.Failures, ms(s.NextPull), s.ETag, s.LastModified, s.Cursor, s.ContentSHA256, s.ID); err != nil {
			return fmt.Errorf("sqlite: source: %w", err)
		}
		if r.State != nil {
			b := r.State.Baseline
			items := make([]store.Item, b.Len())
			for i := range items {
				items[i] = b.Item(i)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE sources SET baseline_items = ?, baseline = ?, objects = ? WHERE id = ?`,
				len(items), append([]byte{}, encodeItems(items)...), append([]byte{}, r.State.Objects...), s.ID); err != nil {
				return fmt.Errorf("sqlite: source state: %w", err)
			}
		}
		for _, ev := range r.Events {
			if ev.Action == "change_propose" && r.Change != nil {
				ev.Target = fmt.Sprint(r.Change.ID)
			}
			if err := appendAudit(ctx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	return p, err
}

func (d *DB) Pulls(ctx context.Context, source int64, limit int) ([]store.Pull, error) {
	rows, err := d.newestFirst(ctx, `SELECT id, source_id, at_ms, took_ms, by, result, http_status, bytes, entries, rejected, added,
		removed, held, change_id, error FROM source_pulls WHERE source_id = ?`, []any{source}, 0, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.Pull{}
	for rows.Next() {
		var p store.Pull
		var at int64
		if err := rows.Scan(&p.ID, &p.Source, &at, &p.TookMS, &p.By, &p.Result, &p.Status, &p.Bytes, &p.Entries, &p.Rejected,
			&p.Added, &p.Removed, &p.Held, &p.Change, &p.Error); err != nil {
			return nil, err
		}
		p.At = fromMS(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

func (d *DB) SourceChanges(ctx context.Context, source int64) ([]int64, error) {
	var list, name string
	if err := d.db.QueryRowContext(ctx, `SELECT list, name FROM sources WHERE id = ?`, source).Scan(&list, &name); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("source %d: %w", source, store.ErrNotFound)
		}
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// The proposer names the source, so pruned pulls lose nothing.
	rows, err := d.db.QueryContext(ctx, `SELECT id FROM changes WHERE list = ? AND proposed_by = ? AND proposed_token = 0 ORDER BY id`,
		list, store.Source{Name: name}.Actor())
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
