/**
 * A throwaway PostgreSQL server for the backup tests, on the sandbox's own cluster code (sandbox/postgres.ts): initdb
 * in a temporary directory, TCP on 127.0.0.1 and a free port, the Unix socket in the same directory, removed again
 * by stop() (or by the server's watchdog when the test process dies).
 *
 * Authentication as initdb sets it up: trust on the Unix socket (the test's own setup and checks, as the superuser
 * `postgres`), scram-sha-256 over TCP (what the code under test sees, like Supabase). Clients (psql, pg_dump,
 * pg_restore) run as the test's own user: root may connect through the socket directory whatever its owner.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { postgresBinDir, run, serverAccount, startCluster } from "../../sandbox/postgres";

export { postgresBinDir };

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

export async function startPostgres(binDir: string): Promise<Postgres> {
    const account = serverAccount();
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-pg-"));
    if (account) fs.chownSync(base, account.uid, account.gid);
    // the superuser's password is never used (the tests log in over the socket), so it is random
    const cluster = await startCluster({
        binDir, dataDir: path.join(base, "data"), password: randomBytes(18).toString("hex"), socketDir: base,
        logFile: path.join(base, "server.log"), removeWhenStopped: base,
    });
    const client = (tool: string, args: readonly string[], input?: string) =>
        run(path.join(binDir, tool), ["-h", base, "-p", String(cluster.port), "-U", "postgres", ...args], input === undefined ? {} : { input });
    return {
        port: cluster.port,
        socketDir: base,
        binDir,
        sql: (sql, database = "postgres") => client("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-f", "-"], sql),
        client: (tool, args) => client(tool, args),
        stop: () => cluster.stop(),
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
            console.error("    SKIPPED: PostgreSQL binaries (initdb, postgres, psql, pg_dump, pg_restore) not found on PATH or in /usr/lib/postgresql/<version>/bin");
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
