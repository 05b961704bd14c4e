/**
 * A stack of the project in a directory of its own: a Pulumi.yaml whose program is the project's own, a file
 * backend beside it, and stack config written as `pulumi config set` leaves it (plain values in the stack file,
 * secrets through Pulumi, so they stay encrypted everywhere). What `launch rehearse` launches on, and what the tests'
 * stack harness runs, so neither touches the project's own stacks.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { parse, stringify } from "yaml";
import { SECRET_NAMES_AS_KEYS } from "../components/config/validate";
import type { LocatedPulumi } from "./toolchain/locate";
import { selectStack, type StackTarget } from "./workspace";

export interface ThrowawayStack {
    readonly workDir: string;
    /** The file backend's directory. */
    readonly backendDir: string;
    readonly target: StackTarget;
    /** Writes `config` as the stack's whole config (keeping what Pulumi wrote, the passphrase's salt) and selects the stack. */
    configure(config: Readonly<Record<string, unknown>>): Promise<Stack>;
    /** Removes the directory, state and all. */
    dispose(): void;
}

/** The project's Pulumi.yaml for a directory elsewhere: the same project, its program by absolute path. */
export function projectElsewhere(projectDir: string): Record<string, unknown> {
    const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    return { ...project, main: path.resolve(projectDir, typeof project["main"] === "string" ? project["main"] : ".") };
}

export function throwawayStack(opts: { readonly projectDir: string; readonly stack: string; readonly passphrase: string; readonly pulumi: () => Promise<LocatedPulumi>; readonly prefix?: string }): ThrowawayStack {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix ?? "hotdash-stack-"));
    const backendDir = path.join(workDir, "state");
    fs.mkdirSync(backendDir);
    fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), stringify(projectElsewhere(opts.projectDir)));
    const target: StackTarget = { workDir, stack: opts.stack, backendUrl: `file://${backendDir}`, passphrase: opts.passphrase };
    const stackFile = path.join(workDir, `Pulumi.${opts.stack}.yaml`);
    let stack: Stack | undefined;
    return {
        workDir, backendDir, target,
        async configure(config) {
            const existing = fs.existsSync(stackFile) ? (parse(fs.readFileSync(stackFile, "utf8")) as Record<string, unknown>) : {};
            const plain = Object.fromEntries(Object.entries(config).filter(([k]) => !SECRET_NAMES_AS_KEYS.includes(k)));
            // strings quoted: Pulumi would read an unquoted 2025-10-13 as a timestamp
            fs.writeFileSync(stackFile, stringify({ ...existing, config: plain }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
            stack ??= await selectStack(target, await opts.pulumi());
            const secrets = Object.entries(config).filter(([k, v]) => SECRET_NAMES_AS_KEYS.includes(k) && typeof v === "string");
            if (secrets.length) await stack.setAllConfig(Object.fromEntries(secrets.map(([k, v]) => [k, { value: String(v), secret: true }])));
            return stack;
        },
        dispose: () => fs.rmSync(workDir, { recursive: true, force: true }),
    };
}
