/** `launch` as the bin runs it, in this process: its exit code and everything it printed. */
import { main } from "../../ops/cli";
import { COMMANDS } from "../../ops/commands";

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
