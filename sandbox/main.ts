/**
 * `npm run sandbox`: starts every sandbox server on the ports `Pulumi.sandbox.yaml` names, prints one
 * `SANDBOX <name> <url>` line per server, and runs until Ctrl-C (or SIGTERM), when it closes them all.
 * `SANDBOX_FAULTS=<seed>:<rate>` injects that share of random faults, `SANDBOX_TIME_SCALE` shrinks its clocks, and
 * `SANDBOX_FREE_PORTS=1` picks free ports instead (for running beside another sandbox), `SANDBOX_MONITORING=1` runs the
 * real Prometheus, blackbox exporter and Alertmanager against it (what `launch status` reads). It keeps its state in
 * `.sandbox/sandbox.json` and its Supabase database's PostgreSQL cluster in `.sandbox/postgres/` (`SANDBOX_STATE_FILE`
 * names another state file, the cluster goes beside it; `npx launch reset --stack sandbox` empties both).
 */
import { randomFaults } from "./faults";
import { SANDBOX_DATABASE_PORT, SANDBOX_PORTS } from "./credentials";
import { SANDBOX_STATE_FILE, startSandbox } from "./index";

async function main(): Promise<void> {
    const faultsSpec = process.env["SANDBOX_FAULTS"];
    let faults;
    if (faultsSpec) {
        const m = /^(\d+):(0(?:\.\d+)?|1)$/.exec(faultsSpec);
        if (!m) throw new Error(`SANDBOX_FAULTS must be <seed>:<rate between 0 and 1>, e.g. 7:0.2, not "${faultsSpec}"`);
        faults = randomFaults(Number(m[1]), Number(m[2]));
    }
    const timeScale = Number(process.env["SANDBOX_TIME_SCALE"] ?? 1);
    const free = process.env["SANDBOX_FREE_PORTS"] === "1";
    const stateFile = process.env["SANDBOX_STATE_FILE"] ?? SANDBOX_STATE_FILE;
    const monitoring = process.env["SANDBOX_MONITORING"] === "1";
    const sandbox = await startSandbox({
        ports: free ? {} : SANDBOX_PORTS, databasePort: free ? 0 : SANDBOX_DATABASE_PORT, timeScale, stateFile, monitoring, ...(faults ? { faults } : {}),
    });
    for (const [name, url] of Object.entries(sandbox.urls)) console.log(`SANDBOX ${name} ${url}`);
    // the password stays out of the output: it is hotdash:databaseUrl's (pulumi config get hotdash:databaseUrl --stack sandbox)
    console.log(`database postgresql://postgres@127.0.0.1:${sandbox.database.port}/postgres (PostgreSQL, data in ${sandbox.database.dataDir})`);
    console.log(`sandbox ready, state in ${stateFile}; Ctrl-C stops it`);
    let stopping = false;
    const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        void sandbox.stop().then(() => {
            console.log(`sandbox stopped (${signal})`);
            process.exit(0);
        });
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: Error) => {
    console.error(`sandbox: ${err.message}`);
    process.exit(1);
});
