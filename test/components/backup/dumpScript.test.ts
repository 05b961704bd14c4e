import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DATABASE_URL_VARIABLE, DUMP_FILE_PATTERN, URL_AWK, dumpScript } from "../../../components/backup/dumpScript";
import { usePostgres } from "../../helpers/postgres";

interface Result {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs a program with exactly the given environment (nothing inherited), feeding `input`, if any, on stdin. */
function exec(file: string, args: readonly string[], env: Record<string, string>, cwd: string, input?: string): Promise<Result> {
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, { cwd, env, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
        child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        // a program that exits without reading its input must not fail the test with EPIPE
        child.stdin?.on("error", () => undefined).end(input);
    });
}

function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The password of the test role: every character a URL must escape, a quote, a backslash, UTF-8, a trailing space. */
const PASSWORD = "s3cr:t@P/ss w?rd#%é\\'!& ";
const ENCODED = encodeURIComponent(PASSWORD);

/** Assert that none of the secret's spellings occur in a text. */
function assertClean(text: string, what: string, url?: string): void {
    for (const needle of [PASSWORD, ENCODED, PASSWORD.trim(), ...(url ? [url] : [])]) {
        assert.ok(!text.includes(needle), `${what} contains the database password or URL:\n${text}`);
    }
}

describe("components/backup/dumpScript", () => {
    describe("the script text", () => {
        it("is the same whatever the URL: the URL is read from the environment only", () => {
            const script = dumpScript({ dumpDir: "backups" });
            assert.equal(script, dumpScript({ dumpDir: "backups" }));
            assertClean(script, "the script");
            assert.ok(script.includes(`\${${DATABASE_URL_VARIABLE}-}`), "reads the URL variable");
            assert.ok(!script.includes("--dbname"), "never passes a connection string in argv");
            assert.ok(!script.includes("set -x"));
            assert.match(script, /^set -eu$/m);
            assert.match(script, /^umask 077$/m);
        });

        it("quotes the dump directory for the shell and rejects unusable ones", () => {
            assert.ok(dumpScript({ dumpDir: "it's $HOME/`x`" }).includes(`dump_dir='it'\\''s $HOME/\`x\`'`));
            assert.throws(() => dumpScript({ dumpDir: "" }), /backups\.dumpDir must be a non-empty directory path/);
            assert.throws(() => dumpScript({ dumpDir: "a\nb" }), /without line breaks/);
            assert.throws(() => dumpScript({ dumpDir: "b", requiredTable: "x; rm -rf /" }), /requiredTable must be schema\.table/);
        });
    });

    describe("URL parsing (awk, as the script runs it)", () => {
        let dir: string;
        beforeEach(() => (dir = tempDir("hotdash-url-")));
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        const parse = (url: string | undefined) =>
            exec("awk", ["-v", `dir=${dir}`, URL_AWK.parse], { LC_ALL: "C", PATH: process.env["PATH"] ?? "", ...(url === undefined ? {} : { [DATABASE_URL_VARIABLE]: url }) }, dir);
        const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f)) : undefined);
        const service = () => read("pg_service.conf")?.toString("utf8").trim().split("\n");

        it("turns a Supabase pooler URL into service keywords and an escaped password file", async () => {
            const r = await parse(`postgresql://postgres.abcdefghijklmnopqrst:p%40ss%3Aw%5Cd%20@aws-0-us-east-1.pooler.supabase.com:6543/postgres?sslmode=require`);
            assert.deepEqual(r, { code: 0, stdout: "", stderr: "" });
            assert.deepEqual(service(), [
                "[hotdash]", "user=postgres.abcdefghijklmnopqrst", "host=aws-0-us-east-1.pooler.supabase.com", "port=6543",
                "dbname=postgres", "sslmode=require", "connect_timeout=30", "application_name=hotdash-pre-launch-dump",
            ]);
            assert.equal(read("pgpass")?.toString("utf8"), "*:*:*:*:p@ss\\:w\\\\d \n");
            assert.equal(read("target")?.toString("utf8").trim(),
                'database "postgres" on host "aws-0-us-east-1.pooler.supabase.com" port "6543" as user "postgres.abcdefghijklmnopqrst"');
        });

        it("handles IPv6 and several hosts, ssl=true and query parameters that override the URL's", async () => {
            assert.equal((await parse("postgres://app@[::1]:5433,db2.example:5434/app?ssl=true&connect_timeout=5&user=other")).code, 0);
            assert.deepEqual(service(), ["[hotdash]", "user=other", "host=::1,db2.example", "port=5433,5434", "dbname=app",
                "sslmode=require", "connect_timeout=5", "application_name=hotdash-pre-launch-dump"]);
            assert.equal(read("pgpass"), undefined, "no password, no password file");
        });

        it("decodes a socket directory, a password parameter byte for byte and a raw @ in the password", async () => {
            assert.equal((await parse("postgresql:///hotdash?host=%2Fvar%2Frun%2Fpostgresql&password=x%C3%A9")).code, 0);
            assert.deepEqual(service()?.slice(1, 3), ["dbname=hotdash", "host=/var/run/postgresql"]);
            assert.deepEqual(read("pgpass"), Buffer.from("*:*:*:*:xé\n", "utf8"));
            assert.equal((await parse("postgresql://u:p@ss@db.example/d")).code, 0);
            assert.deepEqual(service()?.slice(1, 4), ["user=u", "host=db.example", "dbname=d"]);
            assert.equal(read("pgpass")?.toString("utf8"), "*:*:*:*:p@ss\n");
        });

        const bad: [string, string | undefined, RegExp][] = [
            ["unset", undefined, /^the database URL is not set: pulumi config set --secret hotdash:databaseUrl/],
            ["another scheme", `mysql://u:${ENCODED}@h/d`, /does not start with postgresql:\/\//],
            ["a malformed escape", `postgresql://u:${ENCODED}%zz@h/d`, /malformed %-escape in its password/],
            ["a line break in the password", `postgresql://u:${ENCODED}%0A@h/d`, /password contains a line break/],
            ["a non-numeric port", `postgresql://u:${ENCODED}@h:54x2/d`, /port that is not a number/],
            ["a service parameter", `postgresql://u:${ENCODED}@h/d?service=prod`, /names a libpq service/],
            ["an unterminated IPv6 host", `postgresql://u:${ENCODED}@[::1/d`, /unterminated \[IPv6\] host/],
            ["a bad keyword", `postgresql://u:${ENCODED}@h/d?X-Y=1`, /not a libpq keyword/],
        ];
        for (const [what, url, message] of bad) {
            it(`rejects ${what} without quoting the URL`, async () => {
                const r = await parse(url);
                assert.equal(r.code, 1);
                assert.match(r.stdout.trim(), message);
                assertClean(r.stdout + r.stderr, "the error", url);
                assert.equal(read("pg_service.conf"), undefined);
            });
        }

        it("redacts the URL and both spellings of the password from a tool's error output, on one line", async () => {
            const url = `postgresql://u:${ENCODED}@h/d`;
            const r = await exec("awk", [URL_AWK.redact], { LC_ALL: "C", [DATABASE_URL_VARIABLE]: url }, dir,
                `pg_dump: error: connection to "${url}" failed:  FATAL:  bad ${PASSWORD} or ${ENCODED}\n\tdetail line\n`);
            assert.equal(r.code, 0);
            assert.equal(r.stdout, 'connection to "***" failed: FATAL: bad *** or *** detail line\n');
        });
    });

    describe("against a real PostgreSQL", function () {
        this.timeout(60_000);
        const pg = usePostgres();
        let work: string;
        let tmp: string;
        let spy: string;
        const script = dumpScript({ dumpDir: "backups" });
        const url = (opts: { password?: string; port?: number; database?: string } = {}) =>
            `postgresql://hotdash_app:${encodeURIComponent(opts.password ?? PASSWORD)}@127.0.0.1:${opts.port ?? pg().port}/${opts.database ?? "hotdash"}?sslmode=disable`;
        const checksum = (db: string) => pg().sql(
            "SELECT count(*) || ' ' || md5(string_agg(id::text || '|' || status || '|' || created_at::text || '|' || payload::text, E'\\n' ORDER BY id)) FROM agent_approvals", db);

        /** Runs the script the way local.Command does: `/bin/sh -c <script>`, the URL in the environment. */
        const runScript = (databaseUrl: string | undefined) => exec("/bin/sh", ["-c", script], {
            // the spy directory comes first: its pg_dump records argv and environment, then runs the real one
            PATH: [spy, pg().binDir, process.env["PATH"] ?? ""].join(path.delimiter),
            TMPDIR: tmp,
            SPY_DIR: spy,
            REAL_PG_DUMP: path.join(pg().binDir, "pg_dump"),
            PGPASSWORD: "a-stale-password-from-the-operators-shell",
            ...(databaseUrl === undefined ? {} : { [DATABASE_URL_VARIABLE]: databaseUrl }),
        }, work);
        const backups = () => (fs.existsSync(path.join(work, "backups")) ? fs.readdirSync(path.join(work, "backups")) : []);

        before(async () => {
            const quoted = PASSWORD.replace(/'/g, "''");
            await pg().sql(`CREATE ROLE hotdash_app LOGIN PASSWORD '${quoted}'; CREATE DATABASE hotdash OWNER hotdash_app;`);
            await pg().sql(`
                SET ROLE hotdash_app;
                CREATE TABLE agent_approvals (
                    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                    status text NOT NULL,
                    created_at timestamptz NOT NULL,
                    payload jsonb NOT NULL
                );
                INSERT INTO agent_approvals (status, created_at, payload)
                SELECT (ARRAY['pending', 'approved', 'rejected'])[1 + i % 3],
                       timestamptz '2026-11-28 00:00:00+00' - i * interval '7 minutes',
                       jsonb_build_object('conversation', 1000 + i, 'draft', repeat('réponse ', i % 5), 'n', i)
                FROM generate_series(1, 300) AS i;`, "hotdash");
        });
        beforeEach(() => {
            work = tempDir("hotdash-dump-work-");
            tmp = tempDir("hotdash-dump-tmp-");
            spy = tempDir("hotdash-dump-spy-");
            fs.writeFileSync(path.join(spy, "pg_dump"),
                '#!/bin/sh\nprintf "%s\\n" "$@" >"$SPY_DIR/argv"\nenv >"$SPY_DIR/env"\nstat -c %a "$PGSERVICEFILE" "$PGPASSFILE" >"$SPY_DIR/modes"\nexec "$REAL_PG_DUMP" "$@"\n', { mode: 0o755 });
        });
        afterEach(() => {
            for (const d of [work, tmp, spy]) fs.rmSync(d, { recursive: true, force: true });
        });

        it("dumps, verifies and prints only the file name; the restore has the same rows and checksum", async () => {
            const r = await runScript(url());
            assert.equal(r.stderr, "");
            assert.equal(r.code, 0);
            const name = r.stdout.replace(/\n$/, "");
            assert.match(name, DUMP_FILE_PATTERN, `stdout is only the file name: ${JSON.stringify(r.stdout)}`);
            assert.deepEqual(backups(), [name], "no partial file is left beside the dump");
            const file = path.join(work, "backups", name);
            assert.equal(fs.statSync(file).mode & 0o777, 0o600);
            assert.equal(fs.statSync(path.join(work, "backups")).mode & 0o777, 0o700);
            assert.deepEqual(fs.readdirSync(tmp), [], "the service and password files are gone");

            // pg_dump saw neither the URL nor the password, in argv or in its environment (and not the stale PGPASSWORD)
            const argv = fs.readFileSync(path.join(spy, "argv"), "utf8");
            const env = fs.readFileSync(path.join(spy, "env"), "utf8");
            assertClean(argv, "pg_dump's argv", url());
            assertClean(env, "pg_dump's environment", url());
            assert.ok(!env.includes(DATABASE_URL_VARIABLE) && !/^PGPASSWORD=/m.test(env), env);
            assert.equal(fs.readFileSync(path.join(spy, "modes"), "utf8"), "600\n600\n", "service and password files are 0600");
            assertClean(fs.readFileSync(file, "latin1") + fs.readFileSync(file, "utf8"), "the dump");

            await pg().client("createdb", ["restored"]);
            await pg().client("pg_restore", ["--no-owner", "--exit-on-error", "-d", "restored", file]);
            const [source, restored] = [await checksum("hotdash"), await checksum("restored")];
            assert.match(source, /^300 [0-9a-f]{32}\n$/);
            assert.equal(restored, source);
        });

        it("gives a second dump within the same second the next second's name instead of overwriting", async () => {
            const [first, second] = [await runScript(url()), await runScript(url())];
            assert.equal(first.code, 0, first.stderr);
            assert.equal(second.code, 0, second.stderr);
            assert.notEqual(first.stdout, second.stdout);
            assert.deepEqual(backups().sort(), [first.stdout.trim(), second.stdout.trim()].sort());
        });

        const failures: [string, () => string, RegExp][] = [
            ["a wrong password", () => url({ password: `wrong-${PASSWORD}` }),
                /^pre-launch backup failed: pg_dump could not dump the database "hotdash" on host "127\.0\.0\.1" port "\d+" as user "hotdash_app": .*password authentication failed for user "hotdash_app" \(the password from the database URL\)$/],
            ["a port nothing listens on", () => url({ port: 1 }), /^pre-launch backup failed: pg_dump could not dump the database "hotdash" on host "127\.0\.0\.1" port "1" .*Connection refused/],
            ["a database without agent_approvals", () => url({ database: "postgres" }),
                /^pre-launch backup failed: the dump of the database "postgres" .* has no table data for public\.agent_approvals \(pg_restore --list\)$/],
        ];
        for (const [what, badUrl, message] of failures) {
            it(`fails on ${what} with one clear line that holds no secret, and leaves no file`, async () => {
                const r = await runScript(badUrl());
                assert.notEqual(r.code, 0);
                assert.equal(r.stdout, "");
                assert.equal(r.stderr.split("\n").filter(Boolean).length, 1, r.stderr);
                assert.match(r.stderr.trim(), message);
                assertClean(r.stdout + r.stderr, "the output", badUrl());
                assertClean(r.stderr, "the output", url());
                assert.deepEqual(backups(), []);
                assert.deepEqual(fs.readdirSync(tmp), []);
            });
        }

        it("fails clearly when the URL is not set at all", async () => {
            const r = await runScript(undefined);
            assert.equal(r.code, 1);
            assert.equal(r.stdout, "");
            assert.match(r.stderr, /^pre-launch backup failed: the database URL is not set: pulumi config set --secret hotdash:databaseUrl/);
            assert.deepEqual(fs.readdirSync(tmp), []);
        });
    });
});
