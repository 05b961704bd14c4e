/**
 * The sandbox project's Supabase database: a real PostgreSQL database holding the project's tables, reachable at a
 * `postgresql://` URL (what `hotdash:databaseUrl` is for a real project: pg_dump and the checklist's psql commands use
 * it) and through a connection pool (what the sandbox's PostgREST queries).
 *
 * A sandbox with a state file keeps its cluster in `<state directory>/postgres`, beside the state file, so the rows
 * survive a restart as the rest of its state does; one without (tests) gets a fresh database in the process's shared
 * cluster (sandbox/postgres.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";
import { Client, Pool } from "pg";
import { SANDBOX_CREDENTIALS } from "./credentials";
import { closedTo, type Cluster, serverAccount, sharedCluster, startCluster } from "./postgres";
import { SANDBOX_SCHEMA, SANDBOX_TRUNCATE } from "./schema";

export interface SandboxDatabaseOptions {
    /** Data directory of a cluster of the sandbox's own, kept across restarts. Defaults to none: a database in the shared cluster. */
    readonly dataDir?: string;
    /** Port of the sandbox's own cluster; 0 picks a free one. Defaults to 0. Ignored for the shared cluster. */
    readonly port?: number;
    /** Empty the tables at start (the sandbox's state was reset while it was not running). Defaults to false. */
    readonly empty?: boolean;
}

export interface SandboxDatabase {
    /** The project's database URL, as Supabase shows it under "Connect" (password included). */
    readonly url: string;
    readonly port: number;
    /** The kept cluster's data directory; undefined for a database in the shared cluster. */
    readonly dataDir: string | undefined;
    /** PostgreSQL binaries the cluster runs (pg_dump and psql of the same version are there). */
    readonly binDir: string;
    /** Pool of superuser connections, for the sandbox's own servers. */
    readonly pool: Pool;
    /** Empties every table. */
    reset(): Promise<void>;
    /** Closes the pool, then stops the sandbox's own cluster or drops its database from the shared one. */
    stop(): Promise<void>;
}

const TEMPLATE = "hotdash_sandbox_template";

/**
 * Where a sandbox with its state in `stateDir` keeps its cluster: `<stateDir>/postgres`. When PostgreSQL runs as
 * another account (we are root) that cannot enter the state directory (a private home or temporary directory), the
 * cluster goes to a directory of the machine's temporary directory named after the state directory instead: kept
 * across restarts of the sandbox, not of the machine (after which the tables are recreated empty).
 */
export function sandboxDataDir(stateDir: string): string {
    const own = path.join(path.resolve(stateDir), "postgres");
    const account = serverAccount();
    if (!account || !closedTo(stateDir, account.uid)) return own;
    const key = createHash("sha256").update(own).digest("hex").slice(0, 16);
    return path.join(os.tmpdir(), "hotdash-sandbox-postgres", key, "data");
}
const templates = new WeakMap<Cluster, Promise<void>>();

async function onDatabase<T>(url: string, use: (c: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
        return await use(client);
    } finally {
        await client.end();
    }
}

/** The shared cluster's template database with the schema, created once per cluster. */
function template(cluster: Cluster): Promise<void> {
    let made = templates.get(cluster);
    if (!made) {
        made = (async () => {
            await onDatabase(cluster.url("postgres"), async (c) => {
                await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
                await c.query(`CREATE DATABASE ${TEMPLATE}`);
            });
            await onDatabase(cluster.url(TEMPLATE), (c) => c.query(SANDBOX_SCHEMA));
        })();
        made.catch(() => templates.delete(cluster)); // the next sandbox tries again
        templates.set(cluster, made);
    }
    return made;
}

export async function openSandboxDatabase(opts: SandboxDatabaseOptions = {}): Promise<SandboxDatabase> {
    const password = SANDBOX_CREDENTIALS.supabaseDbPassword;
    let cluster: Cluster;
    let database: string;
    let release: () => Promise<void>;
    if (opts.dataDir) {
        cluster = await startCluster({ dataDir: opts.dataDir, port: opts.port ?? 0, password, logFile: `${opts.dataDir}.log` });
        database = "postgres"; // Supabase's database name
        try {
            await onDatabase(cluster.url(database), async (c) => {
                await c.query(SANDBOX_SCHEMA);
                if (opts.empty) await c.query(SANDBOX_TRUNCATE);
            });
        } catch (err) {
            await cluster.stop();
            throw err;
        }
        release = () => cluster.stop();
    } else {
        cluster = await sharedCluster(password);
        await template(cluster);
        database = `sandbox_${randomBytes(6).toString("hex")}`;
        await onDatabase(cluster.url("postgres"), (c) => c.query(`CREATE DATABASE ${database} TEMPLATE ${TEMPLATE}`));
        release = () => onDatabase(cluster.url("postgres"), (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).then(() => undefined);
    }
    const url = cluster.url(database);
    const pool = new Pool({ connectionString: url, max: 4, idleTimeoutMillis: 5000, allowExitOnIdle: true });
    pool.on("error", () => undefined); // a connection dropped while idle (the server stopping): the pool makes a new one
    let stopped: Promise<void> | undefined;
    return {
        url, port: cluster.port, dataDir: opts.dataDir, binDir: cluster.binDir, pool,
        reset: async () => { await pool.query(SANDBOX_TRUNCATE); },
        stop: () => {
            stopped ??= pool.end().then(release);
            return stopped;
        },
    };
}
