-- Document permissions (DESIGN §7): the principals who may read a document.
-- NULL = everyone who may use the source; '{}' = service callers only.
ALTER TABLE documents ADD COLUMN acl text[];

-- A search checks permissions (and updated_after) only for its candidate documents, looked up by
-- doc_key: this covering index answers both without visiting the wide documents rows.
CREATE INDEX documents_filter ON documents (doc_key) INCLUDE (updated_at, acl);
