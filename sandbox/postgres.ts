/**
 * The sandbox's PostgreSQL: the machine's own PostgreSQL binaries (PATH, then Debian's
 * /usr/lib/postgresql/<version>/bin), a cluster initialised with initdb, listening on 127.0.0.1.
 *
 * Two ways to hold one:
 * - a **kept** cluster in a data directory of its own (the sandbox's state directory, `.sandbox/postgres`): initdb the
 *   first time, then only a start (about 0.1 s), so the rows survive a restart as the rest of the sandbox's state does;
 * - the **shared** cluster of this process (tests, which start many sandboxes): initdb once in a temporary directory,
 *   then a database per sandbox copied from a template (CREATE DATABASE ... TEMPLATE), dropped at the sandbox's stop.
 *
 * initdb is the slow part (about 2 s on two busy cores; a start is about 0.1 s, a database from the template about
 * 0.2 s), which is why tests share one cluster.
 *
 * The server runs under a small `sh` watchdog that stops it when its stdin closes: when the sandbox stops it, and also
 * when this Node process dies in any way (even SIGKILL), so no server outlives the sandbox that started it. Running as
 * root (as the test machines do): initdb and postgres refuse to run as root, so they run with Node's own `uid`/`gid`
 * spawn options as the `postgres` user (else `nobody`); no su, runuser or sudo. Authentication: scram-sha-256 over
 * TCP for everyone (like Supabase), trust on the Unix socket when there is one (only the backup tests' helper uses it).
 */
import { type ChildProcess, execFile, execFileSync, type ExecFileOptions, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";

/** Binaries the sandbox and the backup tests need from one PostgreSQL installation. */
const REQUIRED = ["initdb", "postgres", "psql", "pg_dump", "pg_restore"];

/** The directory with every binary the sandbox needs: `$SANDBOX_POSTGRES_BIN`, PATH, then /usr/lib/postgresql/<version>/bin (newest first). */
export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
    const candidates = [env["SANDBOX_POSTGRES_BIN"] ?? "", ...(env["PATH"] ?? "").split(path.delimiter)].filter(Boolean);
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

/** The binaries' directory, or an error that says how to get them. */
export function requirePostgresBinDir(): string {
    const dir = postgresBinDir();
    if (dir) return dir;
    throw new Error(`sandbox: the sandbox's Supabase database needs PostgreSQL's server binaries (${REQUIRED.join(", ")}), found neither on PATH nor in /usr/lib/postgresql/<version>/bin; install them (Debian/Ubuntu: sudo apt-get install postgresql) or point SANDBOX_POSTGRES_BIN at their directory`);
}

/** uid/gid to run the server as: ourselves, or a non-root account when we are root. */
export function serverAccount(): { uid: number; gid: number } | undefined {
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
    throw new Error("sandbox: running as root, but neither a postgres nor a nobody account exists to run PostgreSQL as (initdb and postgres refuse to run as root); create one (useradd --system postgres)");
}

/** Runs a program; resolves to its stdout, rejects with its stderr. */
export function run(file: string, args: readonly string[], opts: ExecFileOptions & { input?: string } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = execFile(file, args, { encoding: "utf8", maxBuffer: 64 << 20, ...opts }, (err, stdout, stderr) => {
            if (err) reject(new Error(`${path.basename(file)} failed: ${String(stderr).trim() || err.message}`));
            else resolve(String(stdout));
        });
        if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
}

export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
    });
}

export interface ClusterOptions {
    /** PostgreSQL binaries. Defaults to requirePostgresBinDir(). */
    readonly binDir?: string;
    /** Data directory; initdb runs when it has no PG_VERSION yet. Required. */
    readonly dataDir: string;
    /** TCP port on 127.0.0.1; 0 picks a free one. Defaults to 0. */
    readonly port?: number;
    /** Password of the superuser `postgres`, set at initdb (a kept data directory keeps the first one). Required. */
    readonly password: string;
    /** Directory for a Unix socket (trust authentication). Defaults to none: TCP only. */
    readonly socketDir?: string;
    /** Server log file. Defaults to `<dataDir>.log`. */
    readonly logFile?: string;
    /** Directory the watchdog removes once the server has stopped (a temporary cluster's). Defaults to none. */
    readonly removeWhenStopped?: string;
}

export interface Cluster {
    readonly port: number;
    readonly binDir: string;
    readonly dataDir: string;
    /** `postgresql://postgres:<password>@127.0.0.1:<port>/<database>`. */
    url(database: string): string;
    /** Stops the server (fast shutdown) and waits for it. Safe to call twice. */
    stop(): Promise<void>;
}

const WATCHDOG = `
"$0" "$@" &
pid=$!
# stdin closes when the sandbox stops the server or when its Node process dies, however it dies
while read -r _; do :; done
kill -INT "$pid" 2>/dev/null
wait "$pid"
status=$?
if [ -n "\${HOTDASH_REMOVE_WHEN_STOPPED:-}" ]; then rm -rf -- "$HOTDASH_REMOVE_WHEN_STOPPED"; fi
exit "$status"
`;

/** initdb into an empty data directory, owned by the server's account. */
async function initdb(binDir: string, dataDir: string, password: string, account: { uid: number; gid: number } | undefined): Promise<void> {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    if (account) reachable(path.dirname(dataDir), account.uid);
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (fs.readdirSync(dataDir).length > 0) {
        throw new Error(`sandbox: the database directory ${dataDir} is not empty but holds no PostgreSQL cluster; remove it (npx launch reset --stack sandbox removes the sandbox's state)`);
    }
    if (account) fs.chownSync(dataDir, account.uid, account.gid);
    // the password file must be readable by the server's account and outside the (still empty) data directory
    const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-pg-pw-"));
    try {
        const pwfile = path.join(pwDir, "pw");
        fs.writeFileSync(pwfile, password, { mode: 0o600 });
        if (account) {
            fs.chownSync(pwDir, account.uid, account.gid);
            fs.chownSync(pwfile, account.uid, account.gid);
        }
        await run(path.join(binDir, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
            `--pwfile=${pwfile}`, "--encoding=UTF8", "--no-locale", "--no-sync"],
        { cwd: pwDir, env: { PATH: process.env["PATH"] ?? "", LC_ALL: "C" }, ...account });
    } finally {
        fs.rmSync(pwDir, { recursive: true, force: true });
    }
}

/** The first directory on the way to `dir` (itself included) that an account could not enter, or undefined. */
export function closedTo(dir: string, uid: number): string | undefined {
    const chain: string[] = [];
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
        chain.unshift(d);
        if (d === path.dirname(d)) break;
    }
    for (const d of chain) {
        if (!fs.existsSync(d)) return undefined; // created later, by us, open
        const st = fs.statSync(d);
        if (!(st.uid === uid ? (st.mode & 0o100) !== 0 : (st.mode & 0o001) !== 0)) return d;
    }
    return undefined;
}

/** Throws a clear error when the server's account could not reach a directory (running as root, it is another user). */
function reachable(dir: string, uid: number): void {
    const closed = closedTo(dir, uid);
    if (closed) {
        throw new Error(`sandbox: PostgreSQL runs as another user (uid ${uid}), which cannot enter ${closed} on the way to the sandbox's database in ${dir}; allow it (chmod o+x ${closed}) or keep the sandbox's state elsewhere (SANDBOX_STATE_FILE)`);
    }
}

/** Resolves once the server accepts a login, rejects if it exits first. */
async function ready(child: ChildProcess, port: number, password: string, dataDir: string, logFile: string): Promise<void> {
    let exited: number | null | undefined;
    child.once("exit", (code) => { exited = code; });
    const deadline = Date.now() + 30_000;
    for (;;) {
        if (exited !== undefined) {
            const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-4).join("\n") : "";
            throw new Error(`PostgreSQL exited at start (code ${exited}): ${tail}`);
        }
        const client = new Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres", connectionTimeoutMillis: 2000 });
        try {
            await client.connect();
            // the server answering must be this one, not another that already had the port
            const dir = (await client.query<{ d: string }>("SELECT current_setting('data_directory') AS d")).rows[0]!.d;
            await client.end();
            if (fs.realpathSync(dir) !== fs.realpathSync(dataDir)) throw new Error(`port ${port} is already in use by another PostgreSQL (data directory ${dir})`);
            return;
        } catch (err) {
            await client.end().catch(() => undefined);
            const code = (err as { code?: string }).code;
            // refused: not listening yet; 57P03: starting up
            if (code !== "ECONNREFUSED" && code !== "57P03" && code !== "ECONNRESET") {
                if (code === "28P01") throw new Error(`port ${port} is already in use by another PostgreSQL (the sandbox's password does not open it)`);
                throw err;
            }
        }
        if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections on port ${port} within 30 s; its log: ${logFile}`);
        await new Promise((r) => setTimeout(r, 30));
    }
}

/** Starts a cluster (initdb first when the data directory has none), resolved once it accepts logins. */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
    const binDir = opts.binDir ?? requirePostgresBinDir();
    const account = serverAccount();
    const { password } = opts;
    const dataDir = path.resolve(opts.dataDir);
    if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) await initdb(binDir, dataDir, password, account);
    const logFile = opts.logFile ?? `${dataDir}.log`;

    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
        const port = opts.port || await freePort();
        const log = fs.openSync(logFile, "a", 0o600);
        const settings = {
            port: String(port), listen_addresses: "127.0.0.1", unix_socket_directories: opts.socketDir ?? "",
            // a sandbox: speed over crash safety
            fsync: "off", synchronous_commit: "off", full_page_writes: "off", max_connections: "50",
        };
        const child = spawn("/bin/sh", ["-c", WATCHDOG, path.join(binDir, "postgres"), "-D", dataDir,
            ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])], {
            stdio: ["pipe", log, log],
            cwd: dataDir,
            env: { PATH: process.env["PATH"] ?? "", LC_ALL: "C", ...(opts.removeWhenStopped ? { HOTDASH_REMOVE_WHEN_STOPPED: opts.removeWhenStopped } : {}) },
            ...account,
        });
        fs.closeSync(log);
        // neither the server nor its watchdog keeps Node running; closing stdin (or Node exiting) stops them
        child.unref();
        (child.stdin as unknown as net.Socket).unref();
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        try {
            await ready(child, port, password, dataDir, logFile);
        } catch (err) {
            lastError = err;
            child.stdin?.end();
            await exited;
            const text = String((err as Error).message);
            if (/lock file .* already exists|is another postmaster/.test(text)) { // the previous server of this data directory, still stopping
                await new Promise((r) => setTimeout(r, 300));
                continue;
            }
            if (/could not bind|Address already in use|already in use by another/.test(text)) {
                if (opts.port) throw new Error(`sandbox: the database port ${opts.port} is already in use; stop the other sandbox (Ctrl-C in its terminal) or the server holding it`);
                continue; // a free port someone took meanwhile: another
            }
            break;
        }
        let stopped: Promise<void> | undefined;
        return {
            port, binDir, dataDir,
            url: (database) => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
            stop: () => {
                stopped ??= (async () => {
                    child.stdin?.end();
                    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
                    await exited;
                    clearTimeout(timer);
                })();
                return stopped;
            },
        };
    }
    throw new Error(`sandbox: PostgreSQL did not start: ${(lastError as Error)?.message ?? lastError}`);
}

/** The shared cluster of this process, started at first use; it stops with the process. */
let shared: Promise<Cluster> | undefined;

export function sharedCluster(password: string): Promise<Cluster> {
    shared ??= (async () => {
        const account = serverAccount();
        const base = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-sandbox-pg-"));
        if (account) fs.chownSync(base, account.uid, account.gid);
        return startCluster({ dataDir: path.join(base, "data"), password, logFile: path.join(base, "server.log"), removeWhenStopped: base });
    })();
    shared.catch(() => { shared = undefined; });
    return shared;
}
