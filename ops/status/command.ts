/**
 * `launch status --stack S [--post] [--watch DURATION]`: the checklist's status update from real data, coloured by
 * its thresholds; `--post` sends each update to the alert channel's Slack webhook, `--watch` repeats it every 30
 * minutes for the duration; `--prometheus URL` reads the stack's own Prometheus (which has the health probes) instead
 * of Fly's managed one. Exit 0 when the (last) update is green or yellow, 1 when it is red, 2 on an error (under
 * `--watch`, a failed update is reported and the watch goes on; exit 2 if the last one failed).
 * `LAUNCH_STATUS_TIME_SCALE` (tests) shrinks the waits between updates.
 */
import { loadStackFile } from "../../components/config/load";
import { redact } from "../../providers/http";
import { type Command, type CommandContext, requireStack, UsageError } from "../cli";
import { sandboxInstance } from "../sandboxControl";
import { locatePulumi } from "../toolchain/locate";
import { projectTarget, type StackTarget } from "../workspace";
import { CADENCE_MS, postStatus, prepareStatus, readStatus, type StatusContext } from "./status";
import { type Countdown, parseWatch, watch } from "./watch";

export interface StatusRunOptions {
    /** Where the stack's state is; defaults to the project's own target. */
    readonly target?: StackTarget;
    /** Defaults to the process's stdout being a terminal. */
    readonly tty?: boolean;
    /** Raw terminal output for the countdown. Defaults to stdout. */
    readonly write?: (text: string) => void;
    readonly env?: Readonly<Record<string, string | undefined>>;
}

function timeScale(env: Readonly<Record<string, string | undefined>>): number {
    const raw = env["LAUNCH_STATUS_TIME_SCALE"];
    if (raw === undefined) return 1;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || n > 1) throw new UsageError(`LAUNCH_STATUS_TIME_SCALE must be a number in (0, 1], not "${raw}"`);
    return n;
}

/** `--prometheus URL`: an http(s) base URL, such as `fly proxy`'s http://127.0.0.1:9090. */
export function parsePrometheusUrl(value: string): string {
    let url: URL | undefined;
    try {
        url = new URL(value);
    } catch {
        url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password || url.search) {
        throw new UsageError(`--prometheus "${value}" is not a Prometheus base URL such as http://127.0.0.1:9090 (\`fly proxy 9090 -a hotdash-monitor\`)`);
    }
    return value.replace(/\/+$/, "");
}

export async function runStatus(ctx: CommandContext, opts: StatusRunOptions = {}): Promise<number> {
    const env = opts.env ?? process.env;
    const stack = requireStack(ctx);
    const watchFor = typeof ctx.options["watch"] === "string" ? parseWatch(ctx.options["watch"]) : undefined;
    const scale = timeScale(env);
    const post = ctx.options["post"] === true;
    const prometheusUrl = typeof ctx.options["prometheus"] === "string" ? parsePrometheusUrl(ctx.options["prometheus"]) : undefined;
    const config = loadStackFile(ctx.projectDir, stack, env);
    const sandboxed = config.environment === "sandbox";
    if (sandboxed && !(await sandboxInstance(config.fly.apiUrl))) {
        throw new Error(`no sandbox answers at ${config.fly.apiUrl}; start it with its monitoring (SANDBOX_MONITORING=1 npm run sandbox)`);
    }
    const pulumi = await locatePulumi({ onProgress: ctx.out });
    const status: StatusContext = await prepareStatus(config, opts.target ?? projectTarget(ctx.projectDir, stack, sandboxed), pulumi, {
        env, ...(prometheusUrl ? { prometheusUrl } : {}),
    });
    let last = 0;
    let failed = false;
    const once = async (): Promise<void> => {
        failed = true;
        const update = await readStatus(status, { cadenceMs: CADENCE_MS });
        for (const line of update.text.split("\n")) ctx.out(line);
        last = update.colour === "red" ? 1 : 0;
        if (post) {
            await postStatus(status, update);
            ctx.out(`Posted to ${config.monitoring.alertChannel}.`);
        }
        failed = false;
    };
    if (watchFor === undefined) {
        await once();
        return last;
    }
    const countdown: Countdown = {
        tty: opts.tty ?? process.stdout.isTTY === true,
        write: opts.write ?? ((t) => { process.stdout.write(t); }),
        out: ctx.out,
    };
    await watch({
        durationMs: watchFor, cadenceMs: CADENCE_MS, timeScale: scale, countdown,
        update: async (n) => { if (n > 1) ctx.out(""); await once(); },
        onError: (err, n) => ctx.err(`launch status: update ${n} failed: ${redact(err.message, status.secrets)}; the watch goes on`),
    });
    return failed ? 2 : last;
}

export const statusCommand: Command = {
    name: "status",
    summary: "the checklist's status update from live metrics; --post sends it to Slack, --watch repeats it every 30 min",
    usage: "launch status --stack <stack> [--post] [--watch <duration>] [--prometheus <url>]",
    options: ["stack", "watch", "prometheus"],
    flags: ["post"],
    run: (ctx) => runStatus(ctx),
};
