/**
 * `launch`: the launch team's command. One module per subcommand; this file only parses the command line,
 * dispatches, and maps outcomes to exit codes: 0 success, 1 a failed check (NO-GO, a mandatory policy failure, a
 * failed update), 2 an error (bad usage, bad config, a vendor unreachable).
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../components/config/validate";

export interface CommandContext {
    /** Options as parsed: strings and booleans by long name. */
    readonly options: Readonly<Record<string, string | boolean | undefined>>;
    readonly positionals: readonly string[];
    /** The project directory (where Pulumi.yaml is). */
    readonly projectDir: string;
    readonly out: (line: string) => void;
    readonly err: (line: string) => void;
}

export interface Command {
    readonly name: string;
    /** One line for `launch help`. */
    readonly summary: string;
    /** Usage line, e.g. `launch up --stack <stack>`. */
    readonly usage: string;
    /** Long options it takes (string unless listed in `flags`). */
    readonly options: readonly string[];
    readonly flags?: readonly string[];
    /** Resolves to the exit code. */
    run(ctx: CommandContext): Promise<number>;
}

/** A usage or input problem the user fixes by changing the command line. */
export class UsageError extends Error {
    override readonly name = "UsageError";
}

export async function main(argv: readonly string[], commands: readonly Command[], projectDir: string): Promise<number> {
    const out = (l: string): void => { process.stdout.write(`${l}\n`); };
    const err = (l: string): void => { process.stderr.write(`${l}\n`); };
    const [name, ...rest] = argv;
    const help = (): void => {
        out("usage: launch <command> [options]\n");
        for (const c of commands) out(`  ${c.usage.padEnd(58)} ${c.summary}`);
    };
    if (!name || name === "help" || name === "--help" || name === "-h") {
        help();
        return name ? 0 : 2;
    }
    const command = commands.find((c) => c.name === name);
    if (!command) {
        err(`launch: unknown command "${name}"; the commands are ${commands.map((c) => c.name).join(", ")} (launch help)`);
        return 2;
    }
    let parsed;
    try {
        parsed = parseArgs({
            args: [...rest],
            allowPositionals: true,
            strict: true,
            options: Object.fromEntries([
                ...command.options.map((o) => [o, { type: "string" as const }]),
                ...(command.flags ?? []).map((o) => [o, { type: "boolean" as const }]),
            ]),
        });
    } catch (e) {
        err(`launch ${name}: ${(e as Error).message}\nusage: ${command.usage}`);
        return 2;
    }
    try {
        const options = parsed.values as Record<string, string | boolean | undefined>; // no option is declared `multiple`
        return await command.run({ options, positionals: parsed.positionals, projectDir, out, err });
    } catch (e) {
        if (e instanceof UsageError) err(`launch ${name}: ${e.message}\nusage: ${command.usage}`);
        else if (e instanceof ConfigError) err(e.message);
        else err(`launch ${name}: ${(e as Error).message}`);
        return 2;
    }
}

/** The `--stack` option, which every command that reads a stack requires. */
export function requireStack(ctx: CommandContext): string {
    const stack = ctx.options["stack"];
    if (typeof stack !== "string" || !stack) throw new UsageError("--stack <name> is required (sandbox or prod)");
    return stack;
}
