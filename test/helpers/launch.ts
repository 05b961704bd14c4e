/** `launch` as a user runs it: in this process with its output captured, and on a project directory of its own. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { main } from "../../ops/cli";
import { COMMANDS } from "../../ops/commands";
import { projectElsewhere } from "../../ops/throwawayStack";
import { type Sandbox, SANDBOX_STATE_FILE } from "../../sandbox";
import { sandboxDataDir } from "../../sandbox/database";
import { ROOT } from "./stack";

/** `launch` as the bin runs it, in this process: its exit code and everything it printed. */
export async function launchCaptured(args: readonly string[], projectDir: string): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    process.stdout.write = ((s: string) => { out += s; return true; }) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => { err += s; return true; }) as typeof process.stderr.write;
    try {
        return { code: await main(args, COMMANDS, projectDir), out, err };
    } finally {
        process.stdout.write = write.out;
        process.stderr.write = write.err;
    }
}

/**
 * A project directory of the repo's program, as a user's checkout is for `launch`: its own `.pulumi-state/` and
 * `.sandbox/`, and the committed sandbox stack file (secrets encrypted under the sandbox passphrase) pointed at a
 * sandbox the caller starts on `stateFile`, so `launch` finds it running.
 */
export interface LaunchProject {
    readonly dir: string;
    /** The sandbox state file `launch` expects in this project. */
    readonly stateFile: string;
    /** Writes the stack file for this sandbox's ports (deploy timeouts at the test's time scale). */
    pointAt(sandbox: Sandbox): void;
    /** Removes the directory and the sandbox's PostgreSQL cluster. */
    dispose(): void;
}

export function launchProject(): LaunchProject {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-launch-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify(projectElsewhere(ROOT)));
    const stateFile = path.join(dir, SANDBOX_STATE_FILE);
    return {
        dir,
        stateFile,
        pointAt(sandbox) {
            const committed = parse(fs.readFileSync(path.join(ROOT, "Pulumi.sandbox.yaml"), "utf8")) as { config: Record<string, unknown> };
            const fly = { ...(sandbox.stackConfig()["hotdash:fly"] as object), deployTimeoutSeconds: 5, checkGraceSeconds: 0.2 };
            // the database URL too: it names this sandbox's database port, not the committed one
            const endpoints = Object.fromEntries(Object.entries(sandbox.stackConfig()).filter(([k]) => k === "hotdash:databaseUrl" || !(committed.config[k] as { secure?: string } | undefined)?.secure));
            fs.writeFileSync(path.join(dir, "Pulumi.sandbox.yaml"), stringify({ ...committed, config: { ...committed.config, ...endpoints, "hotdash:fly": fly } }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
        },
        dispose() {
            // the sandbox's cluster: beside its state, or (when PostgreSQL's account cannot enter a private temporary
            // directory) in the machine's temporary directory, which outlives the project unless removed
            fs.rmSync(path.dirname(sandboxDataDir(path.dirname(stateFile))), { recursive: true, force: true });
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
