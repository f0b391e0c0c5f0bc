"""The schema as a list of migrations."""

from __future__ import annotations

# Each entry migrates the schema from version N to N+1; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE items (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        origin TEXT NOT NULL,
        title TEXT NOT NULL,
        link TEXT NOT NULL,
        text TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        published TEXT,
        seen_at TEXT NOT NULL,
        first_seen TEXT NOT NULL
    );
    CREATE INDEX items_first_seen ON items(first_seen);
    CREATE TABLE editions (
        id INTEGER PRIMARY KEY,
        digest TEXT NOT NULL,
        slug TEXT NOT NULL,
        date TEXT NOT NULL,
        since TEXT NOT NULL,
        until TEXT NOT NULL,
        html_path TEXT NOT NULL UNIQUE,
        text_path TEXT NOT NULL UNIQUE,
        stories INTEGER NOT NULL,
        headlines TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE edition_items (
        digest TEXT NOT NULL,
        item_id TEXT NOT NULL REFERENCES items(id),
        edition_id INTEGER NOT NULL REFERENCES editions(id),
        score REAL NOT NULL,
        matched TEXT NOT NULL,
        PRIMARY KEY (digest, item_id)
    );
    """,
    # 2: the edition as JSON, so `digest archive rebuild` can re-render it (NULL for editions made
    # before); and full-text search over every item. The FTS table is contentless, keyed by
    # search_rows.rowid (an explicit INTEGER PRIMARY KEY, so VACUUM cannot renumber it), and kept
    # in step with `items` by triggers.
    """
    ALTER TABLE editions ADD COLUMN content TEXT;
    CREATE TABLE search_rows (
        rowid INTEGER PRIMARY KEY,
        item_id TEXT NOT NULL UNIQUE REFERENCES items(id) ON DELETE CASCADE
    );
    CREATE VIRTUAL TABLE items_fts USING fts5(
        title, text, source, content='', tokenize='porter unicode61 remove_diacritics 2'
    );
    INSERT INTO items_fts(items_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0)');
    CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
        INSERT INTO search_rows (item_id) VALUES (new.id);
        INSERT INTO items_fts (rowid, title, text, source)
            VALUES (last_insert_rowid(), new.title, new.text, new.source);
    END;
    CREATE TRIGGER items_search_delete BEFORE DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM search_rows WHERE item_id = old.id;
        DELETE FROM search_rows WHERE item_id = old.id;
    END;
    CREATE TRIGGER items_search_update AFTER UPDATE OF id, title, text, source ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM search_rows WHERE item_id = old.id;
        DELETE FROM search_rows WHERE item_id = old.id;
        INSERT INTO search_rows (item_id) VALUES (new.id);
        INSERT INTO items_fts (rowid, title, text, source)
            VALUES (last_insert_rowid(), new.title, new.text, new.source);
    END;
    INSERT INTO search_rows (item_id) SELECT id FROM items ORDER BY first_seen, id;
    INSERT INTO items_fts (rowid, title, text, source)
        SELECT search_rows.rowid, items.title, items.text, items.source
        FROM search_rows JOIN items ON items.id = search_rows.item_id;
    """,
    # 3: per-source polling state and health; the article-page cache for teaser feeds.
    """
    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        config_url TEXT NOT NULL,
        url TEXT NOT NULL,
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        content_hash TEXT NOT NULL DEFAULT '',
        retry_after TEXT,
        retired TEXT NOT NULL DEFAULT '',
        last_success TEXT,
        last_error TEXT NOT NULL DEFAULT '',
        last_error_at TEXT,
        failing_since TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        polls INTEGER NOT NULL DEFAULT 0,
        items INTEGER NOT NULL DEFAULT 0,
        times_ms TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE pages (
        url TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );
    """,
    # 4: scheduled editions (one per digest and period), publication markers, mail deliveries.
    """
    ALTER TABLE editions ADD COLUMN scheduled TEXT;
    CREATE UNIQUE INDEX editions_scheduled ON editions(digest, scheduled)
        WHERE scheduled IS NOT NULL;
    CREATE TABLE publications (
        digest TEXT NOT NULL,
        scheduled TEXT NOT NULL,
        started TEXT NOT NULL,
        PRIMARY KEY (digest, scheduled)
    );
    CREATE TABLE deliveries (
        edition_id INTEGER NOT NULL REFERENCES editions(id),
        recipient TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT NOT NULL,
        error TEXT NOT NULL DEFAULT '',
        updated TEXT NOT NULL,
        PRIMARY KEY (edition_id, recipient)
    );
    CREATE INDEX deliveries_due ON deliveries(status, next_attempt);
    """,
    # 5: an item is known by its source and its id: two feeds may both number their posts 1, 2,
    # 3. items, search_rows and edition_items are rebuilt keyed on (source, id); every row keeps
    # its values (items their first_seen, search rows their rowid, so the FTS index stays as
    # it is), and what an edition took stays taken.
    """
    DROP TRIGGER items_search_insert;
    DROP TRIGGER items_search_delete;
    DROP TRIGGER items_search_update;
    CREATE TEMP TABLE v4_edition_items AS
        SELECT e.digest, i.source, e.item_id, e.edition_id, e.score, e.matched
        FROM edition_items e JOIN items i ON i.id = e.item_id;
    CREATE TEMP TABLE v4_search_rows AS
        SELECT s.rowid AS rowid, i.source, s.item_id
        FROM search_rows s JOIN items i ON i.id = s.item_id;
    DROP TABLE edition_items;
    DROP TABLE search_rows;
    ALTER TABLE items RENAME TO v4_items;
    DROP INDEX items_first_seen;
    CREATE TABLE items (
        source TEXT NOT NULL,
        id TEXT NOT NULL,
        origin TEXT NOT NULL,
        title TEXT NOT NULL,
        link TEXT NOT NULL,
        text TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        published TEXT,
        seen_at TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (source, id)
    );
    INSERT INTO items (source, id, origin, title, link, text, author, published, seen_at,
                       first_seen)
        SELECT source, id, origin, title, link, text, author, published, seen_at, first_seen
        FROM v4_items;
    DROP TABLE v4_items;
    CREATE INDEX items_first_seen ON items(first_seen);
    CREATE INDEX items_id ON items(id);
    CREATE TABLE search_rows (
        rowid INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        item_id TEXT NOT NULL,
        UNIQUE (source, item_id),
        FOREIGN KEY (source, item_id) REFERENCES items(source, id) ON DELETE CASCADE
    );
    INSERT INTO search_rows (rowid, source, item_id)
        SELECT rowid, source, item_id FROM v4_search_rows;
    CREATE TABLE edition_items (
        digest TEXT NOT NULL,
        source TEXT NOT NULL,
        item_id TEXT NOT NULL,
        edition_id INTEGER NOT NULL REFERENCES editions(id),
        score REAL NOT NULL,
        matched TEXT NOT NULL,
        PRIMARY KEY (digest, source, item_id),
        FOREIGN KEY (source, item_id) REFERENCES items(source, id)
    );
    INSERT INTO edition_items (digest, source, item_id, edition_id, score, matched)
        SELECT digest, source, item_id, edition_id, score, matched FROM v4_edition_items;
    CREATE INDEX edition_items_item ON edition_items(source, item_id);
    DROP TABLE v4_edition_items;
    DROP TABLE v4_search_rows;
    CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
        INSERT INTO search_rows (source, item_id) VALUES (new.source, new.id);
        INSERT INTO items_fts (rowid, title, text, source)
            VALUES (last_insert_rowid(), new.title, new.text, new.source);
    END;
    CREATE TRIGGER items_search_delete BEFORE DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM search_rows WHERE source = old.source AND item_id = old.id;
        DELETE FROM search_rows WHERE source = old.source AND item_id = old.id;
    END;
    CREATE TRIGGER items_search_update AFTER UPDATE OF source, id, title, text ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM search_rows WHERE source = old.source AND item_id = old.id;
        DELETE FROM search_rows WHERE source = old.source AND item_id = old.id;
        INSERT INTO search_rows (source, item_id) VALUES (new.source, new.id);
        INSERT INTO items_fts (rowid, title, text, source)
            VALUES (last_insert_rowid(), new.title, new.text, new.source);
    END;
    """,
    # 6: each item's language; a trigram index over Japanese and Korean items, whose words have
    # no spaces (or carry particles) for the word index to find. Only those items are indexed,
    # so English polling pays nothing for it. Rows are keyed on (source, id), as since 5.
    """
    ALTER TABLE items ADD COLUMN lang TEXT NOT NULL DEFAULT '';
    CREATE TABLE cjk_rows (
        rowid INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        item_id TEXT NOT NULL,
        UNIQUE (source, item_id),
        FOREIGN KEY (source, item_id) REFERENCES items(source, id) ON DELETE CASCADE
    );
    CREATE VIRTUAL TABLE items_cjk USING fts5(
        title, text, source, content='', tokenize='trigram'
    );
    CREATE TRIGGER items_cjk_insert AFTER INSERT ON items WHEN new.lang IN ('ja', 'ko') BEGIN
        INSERT INTO cjk_rows (source, item_id) VALUES (new.source, new.id);
        INSERT INTO items_cjk (rowid, title, text, source)
            VALUES (last_insert_rowid(), new.title, new.text, new.source);
    END;
    CREATE TRIGGER items_cjk_delete BEFORE DELETE ON items WHEN old.lang IN ('ja', 'ko') BEGIN
        INSERT INTO items_cjk (items_cjk, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM cjk_rows WHERE source = old.source AND item_id = old.id;
        DELETE FROM cjk_rows WHERE source = old.source AND item_id = old.id;
    END;
    CREATE TRIGGER items_cjk_update AFTER UPDATE OF source, id, title, text ON items
        WHEN old.lang IN ('ja', 'ko') BEGIN
        INSERT INTO items_cjk (items_cjk, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM cjk_rows WHERE source = old.source AND item_id = old.id;
        DELETE FROM cjk_rows WHERE source = old.source AND item_id = old.id;
        INSERT INTO cjk_rows (source, item_id) VALUES (new.source, new.id);
        INSERT INTO items_cjk (rowid, title, text, source)
            VALUES (last_insert_rowid(), new.title, new.text, new.source);
    END;
    """,
    # 7: both full-text indexes merge their segments 8 at a time, not SQLite's default 4: less
    # merge work while polling stores thousands of items, queries as fast (bench_search.py).
    # And the trigram index follows an item's language: an update that makes an item Japanese
    # or Korean indexes it, one that makes it English takes it out (6's trigger looked only at
    # the old language, and not at a change of language alone). Rows 6 left out of step are
    # put right: any indexed row holds the item's current values, so it can be deleted by them.
    """
    INSERT INTO items_fts (items_fts, rank) VALUES ('automerge', 8);
    INSERT INTO items_cjk (items_cjk, rank) VALUES ('automerge', 8);
    DROP TRIGGER items_cjk_update;
    CREATE TRIGGER items_cjk_update AFTER UPDATE OF source, id, title, text, lang ON items BEGIN
        INSERT INTO items_cjk (items_cjk, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM cjk_rows WHERE source = old.source AND item_id = old.id;
        DELETE FROM cjk_rows WHERE source = old.source AND item_id = old.id;
        INSERT INTO cjk_rows (source, item_id)
            SELECT new.source, new.id WHERE new.lang IN ('ja', 'ko');
        INSERT INTO items_cjk (rowid, title, text, source)
            SELECT last_insert_rowid(), new.title, new.text, new.source
            WHERE new.lang IN ('ja', 'ko');
    END;
    INSERT INTO items_cjk (items_cjk, rowid, title, text, source)
        SELECT 'delete', c.rowid, i.title, i.text, i.source
        FROM cjk_rows c JOIN items i ON i.source = c.source AND i.id = c.item_id
        WHERE i.lang NOT IN ('ja', 'ko');
    DELETE FROM cjk_rows WHERE rowid IN (
        SELECT c.rowid FROM cjk_rows c JOIN items i ON i.source = c.source AND i.id = c.item_id
        WHERE i.lang NOT IN ('ja', 'ko'));
    CREATE TEMP TABLE v6_unindexed AS
        SELECT source, id FROM items i WHERE lang IN ('ja', 'ko') AND NOT EXISTS (
            SELECT 1 FROM cjk_rows c WHERE c.source = i.source AND c.item_id = i.id);
    INSERT INTO cjk_rows (source, item_id) SELECT source, id FROM v6_unindexed;
    INSERT INTO items_cjk (rowid, title, text, source)
        SELECT c.rowid, i.title, i.text, i.source FROM v6_unindexed u
        JOIN cjk_rows c ON c.source = u.source AND c.item_id = u.id
        JOIN items i ON i.source = u.source AND i.id = u.id;
    DROP TABLE v6_unindexed;
    """,
    # 8: indexes for what a publish asks of the editions: a digest's neighbours, the newest,
    # one day's, one year's, and the counts per year and month. Each row carries its content
    # (kilobytes of JSON), so without them every one of those questions read the whole table.
    """
    CREATE INDEX editions_series ON editions(digest, until, id);
    CREATE INDEX editions_newest ON editions(until, id);
    CREATE INDEX editions_dates ON editions(date, stories);
    """,
    # 9: full-text indexing is deferred from storing to searching. Storing an item now only
    # registers its search row(s) and marks them pending; the first search after (or `serve`,
    # between its jobs) indexes what is pending in one go (`SearchStore.index_pending`). A cold
    # poll of 500 feeds spent most of its store thread's time in the two indexes, for searches
    # that may come much later or never. A pending row was never indexed, so deleting or
    # changing its item must not ask the contentless index to forget it (that would corrupt it).
    """
    DROP TRIGGER items_search_insert;
    DROP TRIGGER items_search_delete;
    DROP TRIGGER items_search_update;
    DROP TRIGGER items_cjk_insert;
    DROP TRIGGER items_cjk_delete;
    DROP TRIGGER items_cjk_update;
    CREATE TABLE search_pending (rowid INTEGER PRIMARY KEY);
    CREATE TABLE cjk_pending (rowid INTEGER PRIMARY KEY);
    CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
        INSERT INTO search_rows (source, item_id) VALUES (new.source, new.id);
        INSERT INTO search_pending (rowid) VALUES (last_insert_rowid());
        INSERT INTO cjk_rows (source, item_id)
            SELECT new.source, new.id WHERE new.lang IN ('ja', 'ko');
        INSERT INTO cjk_pending (rowid)
            SELECT last_insert_rowid() WHERE new.lang IN ('ja', 'ko');
    END;
    CREATE TRIGGER items_search_delete BEFORE DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM search_rows WHERE source = old.source AND item_id = old.id
            AND rowid NOT IN (SELECT rowid FROM search_pending);
        DELETE FROM search_pending WHERE rowid IN (
            SELECT rowid FROM search_rows WHERE source = old.source AND item_id = old.id);
        DELETE FROM search_rows WHERE source = old.source AND item_id = old.id;
        INSERT INTO items_cjk (items_cjk, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM cjk_rows WHERE source = old.source AND item_id = old.id
            AND rowid NOT IN (SELECT rowid FROM cjk_pending);
        DELETE FROM cjk_pending WHERE rowid IN (
            SELECT rowid FROM cjk_rows WHERE source = old.source AND item_id = old.id);
        DELETE FROM cjk_rows WHERE source = old.source AND item_id = old.id;
    END;
    CREATE TRIGGER items_search_update AFTER UPDATE OF source, id, title, text, lang ON items
    BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM search_rows WHERE source = old.source AND item_id = old.id
            AND rowid NOT IN (SELECT rowid FROM search_pending);
        DELETE FROM search_pending WHERE rowid IN (
            SELECT rowid FROM search_rows WHERE source = old.source AND item_id = old.id);
        DELETE FROM search_rows WHERE source = old.source AND item_id = old.id;
        INSERT INTO items_cjk (items_cjk, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM cjk_rows WHERE source = old.source AND item_id = old.id
            AND rowid NOT IN (SELECT rowid FROM cjk_pending);
        DELETE FROM cjk_pending WHERE rowid IN (
            SELECT rowid FROM cjk_rows WHERE source = old.source AND item_id = old.id);
        DELETE FROM cjk_rows WHERE source = old.source AND item_id = old.id;
        INSERT INTO search_rows (source, item_id) VALUES (new.source, new.id);
        INSERT INTO search_pending (rowid) VALUES (last_insert_rowid());
        INSERT INTO cjk_rows (source, item_id)
            SELECT new.source, new.id WHERE new.lang IN ('ja', 'ko');
        INSERT INTO cjk_pending (rowid)
            SELECT last_insert_rowid() WHERE new.lang IN ('ja', 'ko');
    END;
    """,
    # 10: an item's English gloss, when its feed entry carries its headline in English beside
    # its own; the word index holds it with the title, so an English search finds the Japanese or
    # Korean item (indexed when pending rows are, `SearchStore.index_pending`). Rows stored
    # before have no gloss: their indexed title is the title alone, as the new triggers read it,
    # so nothing is re-indexed.
    """
    ALTER TABLE items ADD COLUMN gloss TEXT NOT NULL DEFAULT '';
    DROP TRIGGER items_search_delete;
    DROP TRIGGER items_search_update;
    CREATE TRIGGER items_search_delete BEFORE DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text, source)
            SELECT 'delete', rowid,
                   old.title || CASE old.gloss WHEN '' THEN '' ELSE char(10) || old.gloss END,
                   old.text, old.source
            FROM search_rows WHERE source = old.source AND item_id = old.id
            AND rowid NOT IN (SELECT rowid FROM search_pending);
        DELETE FROM search_pending WHERE rowid IN (
            SELECT rowid FROM search_rows WHERE source = old.source AND item_id = old.id);
        DELETE FROM search_rows WHERE source = old.source AND item_id = old.id;
        INSERT INTO items_cjk (items_cjk, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM cjk_rows WHERE source = old.source AND item_id = old.id
            AND rowid NOT IN (SELECT rowid FROM cjk_pending);
        DELETE FROM cjk_pending WHERE rowid IN (
            SELECT rowid FROM cjk_rows WHERE source = old.source AND item_id = old.id);
        DELETE FROM cjk_rows WHERE source = old.source AND item_id = old.id;
    END;
    CREATE TRIGGER items_search_update AFTER UPDATE OF source, id, title, text, lang, gloss
    ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, text, source)
            SELECT 'delete', rowid,
                   old.title || CASE old.gloss WHEN '' THEN '' ELSE char(10) || old.gloss END,
                   old.text, old.source
            FROM search_rows WHERE source = old.source AND item_id = old.id
            AND rowid NOT IN (SELECT rowid FROM search_pending);
        DELETE FROM search_pending WHERE rowid IN (
            SELECT rowid FROM search_rows WHERE source = old.source AND item_id = old.id);
        DELETE FROM search_rows WHERE source = old.source AND item_id = old.id;
        INSERT INTO items_cjk (items_cjk, rowid, title, text, source)
            SELECT 'delete', rowid, old.title, old.text, old.source
            FROM cjk_rows WHERE source = old.source AND item_id = old.id
            AND rowid NOT IN (SELECT rowid FROM cjk_pending);
        DELETE FROM cjk_pending WHERE rowid IN (
            SELECT rowid FROM cjk_rows WHERE source = old.source AND item_id = old.id);
        DELETE FROM cjk_rows WHERE source = old.source AND item_id = old.id;
        INSERT INTO search_rows (source, item_id) VALUES (new.source, new.id);
        INSERT INTO search_pending (rowid) VALUES (last_insert_rowid());
        INSERT INTO cjk_rows (source, item_id)
            SELECT new.source, new.id WHERE new.lang IN ('ja', 'ko');
        INSERT INTO cjk_pending (rowid)
            SELECT last_insert_rowid() WHERE new.lang IN ('ja', 'ko');
    END;
    """,
    # 11: pieces of the archive's pages rendered once and kept, so a publish assembles the feed,
    # the index pages and the search pieces from them instead of rendering the newest 20
    # editions and a year of index entries again (digest/publish/site.py). `key` is a hash of
    # everything a piece was rendered from (the templates and code among it), so a changed
    # input is a key not found; `kind` says what the piece is: 'feed' (an edition's body in the
    # feed), 'month' (a month's section of an index page), 'search' (an edition's stories in
    # its month's search piece).
    """
    CREATE TABLE fragments (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        text TEXT NOT NULL
    );
    """,
)
