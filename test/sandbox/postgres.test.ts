/**
 * The sandbox's Supabase database is a real PostgreSQL: the checklist's psql commands and the pre-launch pg_dump work
 * against its URL, its rows survive a restart like the rest of the sandbox's state, and no server outlives its
 * sandbox.
 */
import { strict as assert } from "node:assert";
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { DATABASE_URL_VARIABLE, dumpScript } from "../../components/backup/dumpScript";
import { startSandbox } from "../../sandbox";
import { sandboxDataDir } from "../../sandbox/database";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";
import { serverAccount, startCluster } from "../../sandbox/postgres";
import { call, useSandbox } from "../helpers/sandbox";

const ROOT = path.resolve(__dirname, "../..");

/** Runs a program with extra environment; resolves to stdout, rejects with stderr. */
function exec(file: string, args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(file, args, { env: { ...process.env, ...env }, encoding: "utf8", ...(cwd ? { cwd } : {}) }, (err, stdout, stderr) => {
            if (err) reject(new Error(`${path.basename(file)}: ${stderr || err.message}`));
            else resolve(stdout);
        });
    });
}

/** Whether a PostgreSQL answers at a URL. */
async function answers(url: string): Promise<boolean> {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
        await client.connect();
        await client.end();
        return true;
    } catch {
        return false;
    }
}

/** A pending draft, as the agent service stores it: PostgREST POST with the service-role key. */
async function draft(restUrl: string, conversation: number): Promise<void> {
    const r = await call(`${restUrl}/rest/v1/agent_approvals`, {
        method: "POST", headers: { apikey: C.supabaseServiceRoleKey, authorization: `Bearer ${C.supabaseServiceRoleKey}` },
        body: { conversation_id: conversation, message_id: conversation * 10, status: "pending", draft: "Re: hello" },
    });
    assert.equal(r.status, 201, r.text);
}

describe("sandbox Supabase database (PostgreSQL)", function () {
    this.timeout(120_000);

    describe("a sandbox without a state file", () => {
        const sandbox = useSandbox({ timeScale: 0.01 });

        it("answers the launch checklist's psql commands at its DATABASE_URL", async () => {
            await draft(sandbox().urls["supabase-rest"], 1);
            await draft(sandbox().urls["supabase-rest"], 2);
            await sandbox().database.pool.query("UPDATE agent_approvals SET status = 'approved' WHERE conversation_id = 2");
            const psql = path.join(sandbox().database.binDir, "psql");
            const env = { DATABASE_URL: sandbox().database.url };
            // the checklist's own command lines, run by a shell as an operator would
            const pending = await exec("/bin/sh", ["-c", `"${psql}" $DATABASE_URL -X -A -t -c "SELECT COUNT(*) FROM agent_approvals WHERE status='pending';"`], env);
            assert.equal(pending.trim(), "1");
            const recent = await exec("/bin/sh", ["-c", `"${psql}" $DATABASE_URL -X -A -t -c "SELECT id, status, created_at FROM agent_approvals ORDER BY created_at DESC LIMIT 10;"`], env);
            assert.equal(recent.trim().split("\n").length, 2);
        });

        it("is what the pre-launch dump script dumps and verifies", async () => {
            await draft(sandbox().urls["supabase-rest"], 7);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-sandbox-dump-"));
            try {
                const out = await exec("/bin/sh", ["-c", dumpScript({ dumpDir: "backups" })],
                    { [DATABASE_URL_VARIABLE]: sandbox().database.url, PATH: [sandbox().database.binDir, process.env["PATH"]].join(path.delimiter) }, dir);
                const file = out.trim();
                assert.match(file, /^hotdash-\d{8}T\d{6}Z\.dump$/);
                const list = await exec(path.join(sandbox().database.binDir, "pg_restore"), ["--list", path.join(dir, "backups", file)]);
                assert.match(list, /TABLE DATA public agent_approvals/);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("is the stack config's hotdash:databaseUrl, with the dump on, and Supabase's SUPABASE_DB_URL", () => {
            const config = sandbox().stackConfig();
            assert.equal(config["hotdash:databaseUrl"], sandbox().database.url);
            assert.match(sandbox().database.url, /^postgresql:\/\/postgres:sandbox-db-password@127\.0\.0\.1:\d+\/sandbox_[0-9a-f]{12}$/);
            assert.equal((config["hotdash:backups"] as { preLaunchDump?: boolean }).preLaunchDump, undefined, "the dump takes the config's default: on");
            assert.equal(sandbox().supabase.project.secrets["SUPABASE_DB_URL"]!.digest, createHash("sha256").update(sandbox().database.url).digest("hex"));
        });

        it("shares the process's cluster with other sandboxes, each with a database of its own, dropped at stop", async () => {
            const other = await startSandbox({ timeScale: 0.01 });
            try {
                assert.equal(other.database.port, sandbox().database.port);
                assert.notEqual(other.database.url, sandbox().database.url);
                await draft(other.urls["supabase-rest"], 3);
                const mine = await sandbox().database.pool.query("SELECT count(*)::int AS n FROM agent_approvals");
                assert.equal(mine.rows[0].n, 0);
            } finally {
                await other.stop();
            }
            const name = new URL(other.database.url).pathname.slice(1);
            const left = await sandbox().database.pool.query("SELECT count(*)::int AS n FROM pg_database WHERE datname = $1", [name]);
            assert.equal(left.rows[0].n, 0, "the stopped sandbox's database is gone");
        });
    });

    describe("a sandbox with a state file", () => {
        let dir: string;
        before(() => {
            // a directory PostgreSQL's own account can enter, as a project directory usually is
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-sandbox-state-"));
            fs.chmodSync(dir, 0o755);
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("keeps its rows in its own cluster beside the state file across a restart, stops it at stop, and empties it when the state file is gone", async () => {
            const stateFile = path.join(dir, ".sandbox", "sandbox.json");
            let sandbox = await startSandbox({ timeScale: 0.01, stateFile });
            const url = sandbox.database.url;
            try {
                assert.equal(sandbox.database.dataDir, path.join(dir, ".sandbox", "postgres"));
                assert.match(url, /\/postgres$/, "Supabase's database name");
                await draft(sandbox.urls["supabase-rest"], 1);
            } finally {
                await sandbox.stop();
            }
            assert.equal(await answers(url), false, "the sandbox's stop stopped its PostgreSQL");

            sandbox = await startSandbox({ timeScale: 0.01, stateFile, databasePort: new URL(url).port ? Number(new URL(url).port) : 0 });
            try {
                assert.equal(sandbox.database.url, url);
                const kept = await sandbox.database.pool.query("SELECT conversation_id::int AS c FROM agent_approvals");
                assert.deepEqual(kept.rows, [{ c: 1 }]);
            } finally {
                await sandbox.stop();
            }

            fs.rmSync(stateFile); // what `launch reset` does to a sandbox that is not running
            sandbox = await startSandbox({ timeScale: 0.01, stateFile });
            try {
                const emptied = await sandbox.database.pool.query("SELECT count(*)::int AS n FROM agent_approvals");
                assert.equal(emptied.rows[0].n, 0);
            } finally {
                await sandbox.stop();
            }
        });

        it("refuses a database port another PostgreSQL holds, naming it", async () => {
            const first = await startSandbox({ timeScale: 0.01, stateFile: path.join(dir, "a", "sandbox.json") });
            try {
                await assert.rejects(startSandbox({ timeScale: 0.01, stateFile: path.join(dir, "b", "sandbox.json"), databasePort: first.database.port }),
                    new RegExp(`the database port ${first.database.port} is already in use; stop the other sandbox`));
            } finally {
                await first.stop();
            }
        });
    });

    it("stops its PostgreSQL when the process that started it is killed", async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-sandbox-orphan-"));
        fs.chmodSync(dir, 0o755);
        const script = `require("ts-node/register/transpile-only");
            require(${JSON.stringify(path.join(ROOT, "sandbox/postgres"))}).startCluster({ dataDir: ${JSON.stringify(path.join(dir, "data"))}, password: "pw" })
                .then((c) => console.log("PORT " + c.port));
            setInterval(() => undefined, 1000); // alive until killed`;
        const child = spawn(process.execPath, ["-e", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
        try {
            let out = "";
            child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
            const deadline = Date.now() + 60_000;
            while (!/PORT \d+/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
            const port = Number(/PORT (\d+)/.exec(out)?.[1]);
            const url = `postgresql://postgres:pw@127.0.0.1:${port}/postgres`;
            assert.equal(await answers(url), true);
            child.kill("SIGKILL");
            let alive = true;
            for (let i = 0; i < 100 && alive; i++) {
                await new Promise((r) => setTimeout(r, 100));
                alive = await answers(url);
            }
            assert.equal(alive, false, "PostgreSQL outlived the process that started it");
        } finally {
            child.kill("SIGKILL");
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("keeps a cluster the server's account could not enter in the machine's temporary directory instead", async function () {
        if (process.getuid?.() !== 0) this.skip(); // only root runs PostgreSQL as another account
        const closed = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-sandbox-closed-")); // 0700, root's
        try {
            const dataDir = sandboxDataDir(path.join(closed, ".sandbox"));
            assert.ok(dataDir.startsWith(path.join(os.tmpdir(), "hotdash-sandbox-postgres")), dataDir);
            assert.equal(sandboxDataDir(path.join(closed, ".sandbox")), dataDir, "the same state directory, the same cluster");
            await assert.rejects(startCluster({ dataDir: path.join(closed, "pg"), password: "pw" }), {
                message: `sandbox: PostgreSQL runs as another user (uid ${serverAccount()!.uid}), which cannot enter ${closed} on the way to the sandbox's database in ${closed}; allow it (chmod o+x ${closed}) or keep the sandbox's state elsewhere (SANDBOX_STATE_FILE)`,
            });
        } finally {
            fs.rmSync(closed, { recursive: true, force: true });
        }
    });
});
