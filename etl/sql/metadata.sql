-- Load metadata: what is published, from which files, and what the checks found.

-- Key/value facts about the published snapshot: data_version (increments on every
-- publish), published_at (UTC, ISO 8601), is_demo ('true' for the synthetic demo),
-- schema_version, home_country.
create table if not exists meta (
    key varchar primary key,
    value varchar not null
);

-- One row per input file per published load.
create table if not exists load_history (
    load_id integer not null,
    loaded_at timestamp not null,       -- UTC
    file_name varchar not null,
    file_path varchar not null,
    sha256 varchar not null,
    format varchar not null,            -- canonical entity format or public format name
    entities varchar not null,          -- comma-separated entities the file fed
    rows_read integer not null,
    rows_accepted integer not null,
    rows_rejected integer not null,
    rows_skipped integer not null,      -- skipped on purpose by an importer (reasons in notes)
    notes varchar not null,
    status varchar not null             -- published | published_with_rejects
);

-- Values rejected by loads published with --allow-rejects (one row per value).
create table if not exists load_rejects (
    load_id integer not null,
    file_name varchar not null,
    row_number integer not null,
    column_name varchar not null,
    value varchar not null,
    expected varchar not null
);

-- Findings of the post-load data checks (etl/checks.py), rewritten on every publish.
create table if not exists quality_findings (
    check_name varchar not null,
    entity varchar not null,
    column_name varchar not null,
    severity varchar not null,          -- error | warning | info
    failing_rows bigint not null,
    description varchar not null
);
