/**
 * A throwaway PostgreSQL server for tests: initdb in a temporary directory, TCP on 127.0.0.1 and a free port, the
 * Unix socket in the same directory, removed again by stop().
 *
 * Running as root (as the test machines do): initdb and postgres refuse to run as root, so the server processes are
 * spawned with Node's own `uid`/`gid` spawn options as the `postgres` user (else `nobody`), and the temporary
 * directory is chowned to that user first. No su, runuser or sudo is involved, so nothing depends on PAM or a login
 * shell. Clients (psql, pg_dump, pg_restore) keep running as the test's own user: root may connect through the
 * socket directory whatever its owner, and the tests connect over TCP with a password anyway.
 *
 * Authentication as initdb sets it up: trust on the Unix socket (the test's own setup and checks, as the superuser
 * `postgres`), scram-sha-256 over TCP (what the code under test sees, like Supabase).
 */
import { execFile, execFileSync, type ExecFileOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface Postgres {
    /** TCP port on 127.0.0.1. */
    readonly port: number;
    /** Directory holding the Unix socket. */
    readonly socketDir: string;
    /** Directory holding the PostgreSQL binaries, to put first on PATH for code that calls pg_dump and friends. */
    readonly binDir: string;
    /** Runs SQL as the superuser through the socket; returns psql's unaligned, tuples-only output. */
    sql(sql: string, database?: string): Promise<string>;
    /** Runs a client binary from binDir as the test's user, against the socket, as the superuser. */
    client(tool: string, args: readonly string[]): Promise<string>;
    /** Stops the server and removes its directory. Safe to call twice. */
    stop(): Promise<void>;
}

const REQUIRED = ["initdb", "pg_ctl", "postgres", "psql", "pg_dump", "pg_restore", "createdb"];

/** The directory with every binary the tests need: PATH first, then Debian's /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir(): string | undefined {
    const candidates = (process.env["PATH"] ?? "").split(path.delimiter).filter(Boolean);
    const versions = "/usr/lib/postgresql";
    if (fs.existsSync(versions)) {
        const dirs = fs.readdirSync(versions).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
        candidates.push(...dirs.map((v) => path.join(versions, v, "bin")));
    }
    // a PATH entry may hold only symlinks to some of them (initdb in /usr/local/bin, psql in /usr/bin): resolve initdb
    for (const dir of candidates) {
        const initdb = path.join(dir, "initdb");
        if (!fs.existsSync(initdb)) continue;
        const real = path.dirname(fs.realpathSync(initdb));
        if (REQUIRED.every((t) => fs.existsSync(path.join(real, t)))) return real;
    }
    return undefined;
}

/** uid/gid to run the server as: ourselves, or a non-root account when we are root. */
function serverAccount(): { uid: number; gid: number } | undefined {
    if (process.getuid?.() !== 0) return undefined;
    for (const user of ["postgres", "nobody"]) {
        try {
            const uid = Number(execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
            const gid = Number(execFileSync("id", ["-g", user], { encoding: "utf8" }).trim());
            if (uid > 0) return { uid, gid };
        } catch {
            // no such user: try the next
        }
    }
    throw new Error("running as root, but neither a postgres nor a nobody account exists to run PostgreSQL as");
}

function run(file: string, args: readonly string[], opts: ExecFileOptions & { input?: string } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = execFile(file, args, { encoding: "utf8", maxBuffer: 64 << 20, ...opts }, (err, stdout, stderr) => {
            if (err) reject(new Error(`${path.basename(file)} failed: ${String(stderr).trim() || err.message}`));
            else resolve(String(stdout));
        });
        if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
    });
}

export async function startPostgres(binDir: string): Promise<Postgres> {
    const account = serverAccount();
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-pg-"));
    if (account) fs.chownSync(base, account.uid, account.gid);
    const data = path.join(base, "data");
    const log = path.join(base, "server.log");
    const asServer = { cwd: base, env: { PATH: process.env["PATH"] ?? "", LC_ALL: "C" }, ...account };
    const bin = (t: string) => path.join(binDir, t);

    // initdb wants a superuser password when any method needs one; the tests never use it, so it is random
    const pwfile = path.join(base, "superuser.pw");
    fs.writeFileSync(pwfile, randomBytes(18).toString("hex"), { mode: 0o600 });
    if (account) fs.chownSync(pwfile, account.uid, account.gid);
    await run(bin("initdb"), ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
        `--pwfile=${pwfile}`, "--encoding=UTF8", "--no-locale", "--no-sync"], asServer);

    let port = 0;
    let lastError: unknown;
    for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
        const candidate = await freePort();
        // appended settings win over earlier ones, so a retry after a port race just appends again
        fs.appendFileSync(path.join(data, "postgresql.conf"), [
            `port = ${candidate}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${base}'`,
            "fsync = off", "synchronous_commit = off", "full_page_writes = off", "",
        ].join("\n"));
        try {
            await run(bin("pg_ctl"), ["-D", data, "-l", log, "-w", "-t", "30", "start"], { ...asServer, timeout: 40_000 });
            port = candidate;
        } catch (err) {
            lastError = err;
        }
    }
    let stopped = false;
    const stopSync = () => {
        if (stopped) return;
        stopped = true;
        try {
            execFileSync(bin("pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], { ...asServer, stdio: "ignore" });
        } catch {
            // not running
        }
        fs.rmSync(base, { recursive: true, force: true });
    };
    if (port === 0) {
        const tail = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").slice(-5).join("\n") : "";
        stopSync();
        throw new Error(`PostgreSQL did not start: ${String(lastError)}\n${tail}`);
    }
    // should the run die before after() hooks, do not leave a server behind
    process.once("exit", stopSync);

    const client = (tool: string, args: readonly string[], input?: string) =>
        run(bin(tool), ["-h", base, "-p", String(port), "-U", "postgres", ...args], input === undefined ? {} : { input });
    return {
        port,
        socketDir: base,
        binDir,
        sql: (sql, database = "postgres") => client("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-f", "-"], sql),
        client: (tool, args) => client(tool, args),
        stop: async () => {
            process.removeListener("exit", stopSync);
            stopSync();
        },
    };
}

/**
 * Mocha hooks: one server for the enclosing `describe`, stopped at its end. Without the binaries every test of the
 * block is reported pending with the reason, never passed.
 */
export function usePostgres(): () => Postgres {
    let pg: Postgres | undefined;
    before(async function () {
        const binDir = postgresBinDir();
        if (!binDir) {
            console.error(`    SKIPPED: PostgreSQL binaries (${REQUIRED.join(", ")}) not found on PATH or in /usr/lib/postgresql/<version>/bin`);
            this.skip();
        }
        this.timeout(90_000);
        pg = await startPostgres(binDir);
    });
    after(async () => {
        await pg?.stop();
    });
    return () => {
        if (!pg) throw new Error("PostgreSQL not started");
        return pg;
    };
}
