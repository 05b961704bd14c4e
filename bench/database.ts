/**
 * What a sandbox's database costs at start, side by side in one run (median of 3 rounds):
 * - `database.initdb_over_restart`: a new cluster (initdb, then start) over starting a kept one (what a sandbox with
 *   a state file pays after its first start);
 * - `database.initdb_over_template`: a new cluster over a new database from the shared cluster's template (what each
 *   test sandbox pays once the process's shared cluster runs).
 * The milliseconds are printed as comments for the record; only the ratios compare across machines.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { serverAccount, startCluster } from "../sandbox/postgres";
import type { Benchmark } from "./benchmark";

const PASSWORD = "bench";

async function sql(url: string, text: string): Promise<void> {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
        await c.query(text);
    } finally {
        await c.end();
    }
}

export const databaseBench: Benchmark = {
    name: "database",
    description: "sandbox database start: new cluster vs kept cluster vs database from a template",
    async run() {
        const fresh: number[] = [];
        const restart: number[] = [];
        const template: number[] = [];
        const account = serverAccount();
        for (let round = 0; round < 3; round++) {
            const base = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-bench-pg-"));
            fs.chmodSync(base, 0o755);
            if (account) fs.chownSync(base, account.uid, account.gid);
            const dataDir = path.join(base, "data");
            try {
                let t0 = performance.now();
                let cluster = await startCluster({ dataDir, password: PASSWORD });
                fresh.push(performance.now() - t0);
                await sql(cluster.url("postgres"), "CREATE DATABASE tmpl");
                await sql(cluster.url("tmpl"), "CREATE TABLE t (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), status text)");
                t0 = performance.now();
                await sql(cluster.url("postgres"), `CREATE DATABASE copy${round} TEMPLATE tmpl`);
                template.push(performance.now() - t0);
                await cluster.stop();
                t0 = performance.now();
                cluster = await startCluster({ dataDir, password: PASSWORD });
                restart.push(performance.now() - t0);
                await cluster.stop();
            } finally {
                fs.rmSync(base, { recursive: true, force: true });
            }
        }
        console.log(`# database: new cluster ${median(fresh).toFixed(0)} ms, kept cluster start ${median(restart).toFixed(0)} ms, database from template ${median(template).toFixed(0)} ms`);
        return {
            "database.initdb_over_restart": median(fresh) / median(restart),
            "database.initdb_over_template": median(fresh) / median(template),
        };
    },
};

function median(xs: readonly number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
}
