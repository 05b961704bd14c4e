/**
 * The POSIX shell script behind the pre-launch backup: `pg_dump --format=custom` of the Supabase database into
 * `<dumpDir>/hotdash-<UTC timestamp>.dump`, verified with `pg_restore --list`. `@pulumi/command` runs it with
 * `/bin/sh -c`, so the script text is a plain input in the state file and on the process list: it never holds the
 * database URL. The URL arrives in the environment variable `HOTDASH_DATABASE_URL` and is turned by awk (which reads
 * it from its environment, not argv) into a libpq service file and password file, 0600 in a private temporary
 * directory that is removed on exit. pg_dump therefore never sees the URL in argv or in its environment.
 *
 * Contract: stdout is only the dump's file name; on failure one line `pre-launch backup failed: ...` on stderr, with
 * host, port, database and user at most (never the password), and a non-zero exit.
 */

/** The environment variable the script reads the database URL from. */
export const DATABASE_URL_VARIABLE = "HOTDASH_DATABASE_URL";

/** What a dump's file name looks like: `hotdash-20261128T000000Z.dump`. */
export const DUMP_FILE_PATTERN = /^hotdash-\d{8}T\d{6}Z\.dump$/;

export interface DumpScriptOptions {
    /** Directory the dump is written to (created 0700 if missing), relative to the working directory. Required. */
    readonly dumpDir: string;
    /** `schema.table` whose data the dump must contain to pass verification. Defaults to `public.agent_approvals`. */
    readonly requiredTable?: string;
}

/**
 * Shared awk functions: percent-decoding and the URL parser. libpq's own URL parser is out of reach because it only
 * runs on a connection string given as an argument, which is what this script avoids. Run with LC_ALL=C so that
 * `sprintf("%c")` yields single bytes (UTF-8 passwords decode byte by byte) and length() counts bytes.
 * No single quote may appear here: the program is embedded in a single-quoted shell string.
 */
const AWK_FUNCTIONS = String.raw`
function hexdigit(c) { return index("0123456789abcdef", tolower(c)) - 1 }
function decode(s,    out, i, n, c, h, l) {
    out = ""; n = length(s)
    for (i = 1; i <= n; i++) {
        c = substr(s, i, 1)
        if (c == "%") {
            h = hexdigit(substr(s, i + 1, 1)); l = hexdigit(substr(s, i + 2, 1))
            if (h < 0 || l < 0 || h + l == 0) { decode_err = 1; return "" }
            c = sprintf("%c", h * 16 + l); i += 2
        }
        out = out c
    }
    return out
}
function lastindex(s, t,    i, j) { i = 0; while ((j = index(substr(s, i + 1), t)) > 0) i += j; return i }
function set(k, raw,    v) {
    decode_err = 0; v = decode(raw)
    if (decode_err) { if (bad == "") bad = "the database URL has a malformed %-escape in its " k; return }
    if (v ~ /[\n\r]/) { if (bad == "") bad = "the " k " in the database URL contains a line break"; return }
    if (!(k in kv)) keys[++nkeys] = k
    kv[k] = v
}
function setpw(raw) {
    needles[++nneedles] = raw; haspw = 1
    decode_err = 0; pw = decode(raw); needles[++nneedles] = pw
    if (decode_err && bad == "") bad = "the database URL has a malformed %-escape in its password"
    if (pw ~ /[\n\r]/ && bad == "") bad = "the database password contains a line break, which a libpq password file cannot hold"
}
# Fills kv (libpq keywords in order), pw/haspw and needles (strings to redact). Returns "" or an error that quotes
# nothing from the URL.
function parse(url,    rest, cut, auth, tail, at, userinfo, c, hostlist, n, parts, i, hp, h, p, hosts, ports, anyport, q, query, eq, k, v) {
    needles[++nneedles] = url
    if (url == "") return "the database URL is not set: pulumi config set --secret hotdash:databaseUrl <url>, or export DATABASE_URL"
    if (url !~ /^postgres(ql)?:\/\//) return "the database URL does not start with postgresql:// or postgres://"
    rest = substr(url, index(url, "//") + 2)
    cut = match(rest, /[\/?]/)
    if (cut) { auth = substr(rest, 1, cut - 1); tail = substr(rest, cut) } else { auth = rest; tail = "" }
    # user info ends at the last @, so a raw @ in a password still parses
    at = lastindex(auth, "@")
    hostlist = substr(auth, at + 1)
    if (at) {
        userinfo = substr(auth, 1, at - 1); c = index(userinfo, ":")
        if (c) { if (c > 1) set("user", substr(userinfo, 1, c - 1)); setpw(substr(userinfo, c + 1)) }
        else if (userinfo != "") set("user", userinfo)
    }
    if (hostlist != "") {
        n = split(hostlist, parts, ",")
        for (i = 1; i <= n; i++) {
            hp = parts[i]
            if (substr(hp, 1, 1) == "[") {
                c = index(hp, "]")
                if (!c) return "the database URL has an unterminated [IPv6] host"
                h = substr(hp, 2, c - 2); p = substr(hp, c + 1)
                if (p != "" && substr(p, 1, 1) != ":") return "the database URL has text after an [IPv6] host"
                p = substr(p, 2)
            } else {
                c = index(hp, ":")
                if (c) { h = substr(hp, 1, c - 1); p = substr(hp, c + 1) } else { h = hp; p = "" }
            }
            if (p !~ /^[0-9]*$/) return "the database URL has a port that is not a number"
            decode_err = 0; h = decode(h)
            if (decode_err) return "the database URL has a malformed %-escape in its host"
            hosts = hosts (i > 1 ? "," : "") h; ports = ports (i > 1 ? "," : "") p
            if (p != "") anyport = 1
        }
        if (hosts !~ /^,*$/) set("host", hosts)
        if (anyport) set("port", ports)
    }
    q = index(tail, "?")
    if (q) { query = substr(tail, q + 1); tail = substr(tail, 1, q - 1) }
    if (length(tail) > 1) set("dbname", substr(tail, 2))
    n = query == "" ? 0 : split(query, parts, "&")
    for (i = 1; i <= n; i++) {
        if (parts[i] == "") continue
        eq = index(parts[i], "=")
        if (!eq) return "the database URL has a query parameter without a value"
        decode_err = 0; k = decode(substr(parts[i], 1, eq - 1)); v = substr(parts[i], eq + 1)
        if (k !~ /^[a-z_]+$/) return "the database URL has a query parameter that is not a libpq keyword"
        if (k == "service") return "the database URL names a libpq service, which this backup does not support"
        if (k == "password") { setpw(v); continue }
        if (k == "ssl" && v == "true") { k = "sslmode"; v = "require" }
        set(k, v)
    }
    # fail fast on a black-holed host and name the session in pg_stat_activity, unless the URL says otherwise
    if (!("connect_timeout" in kv)) set("connect_timeout", "30")
    if (!("application_name" in kv)) set("application_name", "hotdash-pre-launch-dump")
    return bad
}
function pgpass_escape(s,    o, i, c) {
    o = ""
    for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); if (c == "\\" || c == ":") o = o "\\"; o = o c }
    return o
}
function show(k) { return (k in kv) ? "\"" kv[k] "\"" : "(default)" }
`;

/** Parse mode: writes `pg_service.conf`, `pgpass` (when the URL has a password) and `target` into `dir`. */
const AWK_PARSE = AWK_FUNCTIONS + String.raw`
BEGIN {
    err = parse(ENVIRON["${DATABASE_URL_VARIABLE}"])
    if (err != "") { print err; exit 1 }
    f = dir "/pg_service.conf"; print "[hotdash]" > f
    for (i = 1; i <= nkeys; i++) print keys[i] "=" kv[keys[i]] > f
    close(f)
    if (haspw && pw != "") { f = dir "/pgpass"; print "*:*:*:*:" pgpass_escape(pw) > f; close(f) }
    f = dir "/target"
    print "database " show("dbname") " on host " show("host") " port " show("port") " as user " show("user") > f
    close(f)
}
`;

/** Redact mode: a tool's stderr on stdin, out one line without the URL or password, longest needles first. */
const AWK_REDACT = AWK_FUNCTIONS + String.raw`
function redact(s, needle,    out, i) {
    if (needle == "") return s
    out = ""
    while ((i = index(s, needle)) > 0) { out = out substr(s, 1, i - 1) "***"; s = substr(s, i + length(needle)) }
    return out s
}
BEGIN { parse(ENVIRON["${DATABASE_URL_VARIABLE}"]) }
{ sub(/^pg_(dump|restore): (error: |detail: |hint: )?/, ""); text = text (NR > 1 ? " " : "") $0 }
END {
    for (done = 0; done < nneedles; done++) {
        best = 0
        for (i = 1; i <= nneedles; i++) if (!(i in used) && (best == 0 || length(needles[i]) > length(needles[best]))) best = i
        used[best] = 1; text = redact(text, needles[best])
    }
    # the password file named is the temporary one, gone by the time anyone reads the message
    gsub(/password retrieved from file "[^"]*"/, "(the password from the database URL)", text)
    gsub(/[ \t]+/, " ", text); sub(/^ /, "", text); sub(/ $/, "", text)
    if (text == "") text = "no error message"
    if (length(text) > 600) text = substr(text, 1, 600) "..."
    print text
}
`;

/** The awk programs, exported for the parser's own tests. */
export const URL_AWK = { parse: AWK_PARSE, redact: AWK_REDACT } as const;

/** Quotes a string for POSIX sh. */
function shQuote(s: string): string {
    return `'${s.replace(/'/g, `'\\''`)}'`;
}

function checkOptions(opts: DumpScriptOptions): { dumpDir: string; schema: string; table: string } {
    const dumpDir = opts.dumpDir;
    if (dumpDir === "" || /[\0\n\r]/.test(dumpDir)) {
        throw new Error(`backups.dumpDir must be a non-empty directory path without line breaks, not ${JSON.stringify(dumpDir)}`);
    }
    const required = opts.requiredTable ?? "public.agent_approvals";
    const m = /^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$/.exec(required);
    if (!m) throw new Error(`requiredTable must be schema.table in lowercase identifiers, not ${JSON.stringify(required)}`);
    return { dumpDir, schema: m[1] as string, table: m[2] as string };
}

/** The script for `local.Command`'s `create`. Pure: the same options always give the same text. */
export function dumpScript(opts: DumpScriptOptions): string {
    const { dumpDir, schema, table } = checkOptions(opts);
    for (const program of Object.values(URL_AWK)) {
        if (program.includes("'")) throw new Error("internal: the awk program must not contain a single quote");
    }
    return `# HotDash pre-launch backup (components/backup/dumpScript.ts). The database URL comes only from $${DATABASE_URL_VARIABLE}.
set -eu
umask 077
dump_dir=${shQuote(dumpDir)}

fail() { printf 'pre-launch backup failed: %s\\n' "$1" >&2; exit 1; }

for tool in pg_dump pg_restore awk mktemp; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is not on PATH (pg_dump and pg_restore come with the PostgreSQL client tools)"
done

# Keep the URL out of every child's environment except awk's, and ignore the caller's own libpq settings.
db_url=\${${DATABASE_URL_VARIABLE}-}
unset ${DATABASE_URL_VARIABLE} PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGPASSFILE PGSERVICE PGSERVICEFILE

parse_awk='${AWK_PARSE}'
redact_awk='${AWK_REDACT}'

work=$(mktemp -d "\${TMPDIR:-/tmp}/hotdash-backup.XXXXXX") || fail "could not create a temporary directory"
partial=
trap 'rm -rf -- "$work"; if [ -n "$partial" ]; then rm -f -- "$partial"; fi' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# stdin: a tool's stderr; stdout: one line with the URL and password replaced by ***
redacted() { ${DATABASE_URL_VARIABLE}=$db_url LC_ALL=C awk "$redact_awk"; }

if ! reason=$(${DATABASE_URL_VARIABLE}=$db_url LC_ALL=C awk -v dir="$work" "$parse_awk"); then
    fail "$reason"
fi
PGSERVICEFILE=$work/pg_service.conf
PGSERVICE=hotdash
export PGSERVICEFILE PGSERVICE
if [ -f "$work/pgpass" ]; then
    PGPASSFILE=$work/pgpass
    export PGPASSFILE
fi
target=$(cat "$work/target")

mkdir -p -- "$dump_dir" 2>/dev/null || fail "could not create the dump directory $dump_dir"
# names have one-second resolution: a second run within the same second waits for the next one
for attempt in 1 2 3; do
    name="hotdash-$(date -u +%Y%m%dT%H%M%SZ).dump"
    final=$dump_dir/$name
    [ -e "$final" ] || break
    [ "$attempt" -lt 3 ] || fail "$final already exists"
    sleep 1
done
partial=$dump_dir/.$name.partial

# --no-password: a missing or wrong password fails at once instead of prompting on a terminal
if ! pg_dump --format=custom --no-password --file="$partial" >/dev/null 2>"$work/pg_dump.err"; then
    fail "pg_dump could not dump the $target: $(redacted <"$work/pg_dump.err")"
fi
if ! pg_restore --list -- "$partial" >"$work/list" 2>"$work/pg_restore.err"; then
    fail "the dump of the $target does not read back: pg_restore --list: $(redacted <"$work/pg_restore.err")"
fi
grep -Eq '^[0-9]+; [0-9]+ [0-9]+ TABLE DATA ${schema} ${table}( |$)' "$work/list" ||
    fail "the dump of the $target has no table data for ${schema}.${table} (pg_restore --list)"
mv -- "$partial" "$final" || fail "could not rename the dump to $final"
partial=
printf '%s\\n' "$name"
`;
}
